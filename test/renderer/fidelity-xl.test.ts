// The pictures diffusers' own SDXL pipelines drew for the tiny diffusers-built SDXL models in
// ../shared/fidelity-xl, rendered again through our pipelines: every case must match its reference within the tolerance of
// the fidelity README (max abs <= 2 and mean abs <= 0.05 on 0-255 RGB, over all pictures of a case).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import {
  caseRequest,
  expectReferencesMatched,
  type FidelityCase,
  type Tolerance,
} from '../helpers/fidelity-cases.ts';

const fidelityDir = fileURLToPath(new URL('../../../shared/fidelity-xl/', import.meta.url));
const casesFile = path.join(fidelityDir, 'cases.json');

describe("SDXL fidelity: our pipelines draw what diffusers' SDXL pipelines drew", () => {
  if (!existsSync(casesFile)) {
    it.skip(`fidelity cases absent (${casesFile}), nothing to compare with`, () => {});
    return;
  }
  const file = JSON.parse(readFileSync(casesFile, 'utf8')) as { tolerance: Tolerance; cases: FidelityCase[] };
  const { tolerance } = file;
  // An empty models folder: no `<name>-inpaint` sibling, so the blend cases run on the base model.
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'fidelity-xl-models-'));
  let cache: ModelCache;
  beforeAll(() => {
    cache = new ModelCache(modelsDir, { providers: ['cpu'], threads: 1, graphOptimization: 'all' }, 2 ** 30);
  });
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

  it('has the cases the issue names: txt2img at several sizes and samplers, negatives, --n 2, img2img, inpaint both ways', () => {
    const txt = file.cases.filter((c) => c.pipeline === 'txt2img');
    expect(new Set(txt.map((c) => `${c.width}x${c.height}`)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(txt.map((c) => c.sampler)).size).toBeGreaterThanOrEqual(3);
    expect(txt.some((c) => c.negative_prompt === '')).toBe(true);
    expect(txt.some((c) => c.negative_prompt !== '')).toBe(true);
    expect(txt.some((c) => c.count === 2)).toBe(true);
    expect(file.cases.some((c) => c.pipeline === 'img2img')).toBe(true);
    expect(file.cases.some((c) => c.name.startsWith('inpaint-9ch'))).toBe(true);
    expect(file.cases.some((c) => c.name.startsWith('inpaint-blend'))).toBe(true);
  });

  for (const c of file.cases) {
    it(`${c.name} matches diffusers (max abs <= ${tolerance.max_abs}, mean abs <= ${tolerance.mean_abs})`, async () => {
      const { model, request } = caseRequest(fidelityDir, c);
      // The case's own fields say the same as its CLI arguments.
      expect(path.basename(model)).toBe(c.model);
      expect(request).toMatchObject({
        prompt: c.prompt,
        negativePrompt: c.negative_prompt,
        width: c.width,
        height: c.height,
        steps: c.steps,
        guidance: c.cfg,
        sampler: c.sampler,
        seed: c.seed,
        count: c.count,
        ...(c.strength === undefined ? {} : { strength: c.strength }),
      });
      const result = await runPipeline(cache, model, request);
      await expectReferencesMatched(
        `fidelity-xl ${c.name}`,
        result.images.map((i) => i.png),
        fidelityDir,
        c.reference,
        tolerance,
      );
    });
  }
});
