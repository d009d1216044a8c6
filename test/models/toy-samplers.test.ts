// Every sampler the renderer offers, at 20 and at 10 steps, over a fixed set of prompts and seeds:
// reads the colour at each position and the background of every picture and prints the pass rate
// per sampler. The goal is 95% for each; the samplers still short of it (the DPM2 family, and PNDM
// and the 2M/3M SDE samplers at 10 steps, at CFG 7.5, see docs/toy-model.md) are held to their
// present rate, so they cannot get worse unnoticed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { SAMPLER_NAMES } from '../../renderer/schedulers/registry.ts';
import { testModelCache } from '../helpers/built-in-models.ts';
import { rgbOf } from '../helpers/picture.ts';
import { mismatches, readScene, type SceneSpec } from './toy-scene-check.ts';

const CASES: [string, SceneSpec][] = [
  ['a red circle on a blue sky', { background: 'sky', centre: 'red' }],
  ['an orange triangle on the sand', { background: 'sand', centre: 'orange' }],
  [
    'a red circle on the left and a yellow square on the right, grass',
    { background: 'grass', left: 'red', right: 'yellow' },
  ],
  [
    'an orange square left, a white circle in the centre and a pink triangle right, at night',
    { background: 'night', left: 'orange', centre: 'white', right: 'pink' },
  ],
  ['a yellow circle left and a red square right', { left: 'yellow', right: 'red' }],
  ['a red square left and a yellow circle right', { left: 'red', right: 'yellow' }],
  ['a white circle on snow', { background: 'snow', centre: 'white' }],
  ['a blue square on the sky, right', { background: 'sky', right: 'blue' }],
  ['a green triangle on the grass, left', { background: 'grass', left: 'green' }],
  ['a purple circle and a pink square, sea', { background: 'sea', left: 'purple', right: 'pink' }],
  [
    'a pink triangle in the middle and a green circle on the right, beach',
    { background: 'sand', centre: 'pink', right: 'green' },
  ],
  ['left a blue ball, right an orange box, winter', { background: 'snow', left: 'blue', right: 'orange' }],
];
const SEEDS = [1, 2, 3];
const SIZE = 192;

/**
 * Samplers below the 95% goal, held to their present pass rate (at 20 steps, at 10 steps) less
 * about 0.1. Every other sampler, including any added later, must reach 0.95 at both.
 */
const FLOORS: Record<string, [number, number]> = {
  pndm: [0.8, 0],
  dpm2: [0.3, 0.1],
  dpm2_karras: [0.3, 0.1],
  dpm2_a: [0, 0],
  dpm2_a_karras: [0, 0],
  dpmpp_2m_sde_karras: [0.9, 0.8],
  dpmpp_3m_sde: [0.9, 0.8],
  dpmpp_3m_sde_karras: [0.9, 0],
};

let cache: ModelCache;
beforeAll(async () => {
  cache = await testModelCache();
});

describe('every sampler draws the asked objects and colours', () => {
  const results: string[] = [];
  it.each(SAMPLER_NAMES)('%s at 20 and 10 steps', async (sampler) => {
    const rates: number[] = [];
    for (const steps of [20, 10]) {
      let passed = 0;
      const failures: string[] = [];
      for (const [prompt, spec] of CASES)
        for (const seed of SEEDS) {
          const result = await runPipeline(cache, 'toy', {
            prompt,
            negativePrompt: '',
            width: SIZE,
            height: SIZE,
            steps,
            guidance: 7.5,
            // ddpm is offered by the renderer though jobs do not name it (yet): the pipeline takes it.
            sampler: sampler as RenderRequest['sampler'],
            seed,
            count: 1,
            strength: 1,
          });
          const wrong = mismatches(readScene(await rgbOf(result.images[0].png)), spec);
          if (wrong.length === 0) passed++;
          else failures.push(`"${prompt}" seed ${seed}: ${wrong.join(', ')}`);
        }
      const total = CASES.length * SEEDS.length;
      rates.push(passed / total);
      results.push(
        `${sampler} ${steps} steps: ${passed}/${total}${failures.length ? `, e.g. ${failures[0]}` : ''}`,
      );
    }
    console.log(results.slice(-2).join('\n'));
    if (results.length === 2 * SAMPLER_NAMES.length) {
      const passed = results.map((r) => Number(/: (\d+)\//.exec(r)?.[1] ?? 0)).reduce((a, b) => a + b, 0);
      console.log(`all samplers: ${passed}/${results.length * CASES.length * SEEDS.length} pictures right`);
    }
    const [floor20, floor10] = FLOORS[sampler] ?? [0.95, 0.95];
    expect(rates[0], `${sampler} at 20 steps`).toBeGreaterThanOrEqual(floor20);
    expect(rates[1], `${sampler} at 10 steps`).toBeGreaterThanOrEqual(floor10);
  });
});
