import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bin/stack.ts';
import { parseConfig } from '../../core/config/config.ts';
import { createJob } from '../../core/job/job.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { waitFor } from '../helpers/wait-for.ts';

let cold: Stack;
let warm: Stack;

beforeAll(async () => {
  const prefix = uniquePrefix('prefer');
  const config = parseConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'prefer-')),
    MODELS_DIR: await testModels(),
  });
  const common = { config, redisUrl: TEST_REDIS_URL, prefix, renderer: true, log: () => undefined };
  cold = await startStack({ ...common, components: true });
  warm = await startStack({ ...common, components: false });
});
afterAll(async () => {
  await cold?.close();
  await warm?.close();
});

describe('routing renders', () => {
  it('prefers an idle renderer that already has the model loaded', async () => {
    // Load the model in one renderer only, and wait until the registry says so.
    await warm.renderHost!.render('toy', {
      prompt: '',
      negativePrompt: '',
      width: 64,
      height: 64,
      steps: 1,
      guidance: 1,
      sampler: 'ddim',
      seed: 1,
      count: 1,
      strength: 1,
    });
    const warmId = await waitFor(
      async () => (await cold.registry.live()).find((w) => w.loaded.includes('toy'))?.id,
      'the warm renderer to report its loaded model',
    );
    expect((await cold.registry.live()).map((w) => w.loaded.includes('toy')).sort()).toEqual([false, true]);

    const renderedBy: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = createJob({
        kind: 'imagine',
        owner: 'key:prefer',
        origin: { surface: 'http' },
        params: { prompt: 'a red circle on a blue sky', width: 64, height: 64, steps: 4, seed: i },
      });
      await cold.system.orchestrator.submit(job);
      const state = await waitFor(async () => {
        const s = await cold.system.orchestrator.state(job.id);
        return s?.status === 'done' ? s : undefined;
      }, `job ${i}`);
      renderedBy.push((state.outputs.render as { renderer: string }).renderer);
    }
    expect(renderedBy).toEqual([warmId, warmId, warmId]);
  });
});
