// The pictures diffusers' own pipelines drew for the tiny diffusers-built models in ../shared/fidelity,
// rendered again through our pipelines: every case must match its reference within the tolerance of
// the fidelity README (max abs <= 2 and mean abs <= 0.05 on 0-255 RGB, over all pictures of a case).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sampler } from '../../core/job/limits.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';

const fidelityDir = fileURLToPath(new URL('../../../shared/fidelity/', import.meta.url));
const casesFile = path.join(fidelityDir, 'cases.json');

interface FidelityCase {
  name: string;
  pipeline: 'txt2img' | 'img2img' | 'inpaint';
  model: string;
  sampler: Sampler;
  seed: number;
  count: number;
  width: number;
  height: number;
  steps: number;
  cfg: number;
  prompt: string;
  negative_prompt: string;
  strength?: number;
  image?: string;
  mask?: string;
  mask_blur?: number;
  reference: string[];
}

interface Tolerance {
  max_abs: number;
  mean_abs: number;
}

/** Raw 8-bit RGB of a PNG. */
async function rgb(png: Buffer | string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function requestOf(c: FidelityCase): RenderRequest {
  const input = (file: string | undefined) =>
    file === undefined ? undefined : readFileSync(path.join(fidelityDir, 'inputs', file));
  return {
    prompt: c.prompt,
    negativePrompt: c.negative_prompt,
    width: c.width,
    height: c.height,
    steps: c.steps,
    guidance: c.cfg,
    sampler: c.sampler,
    seed: c.seed,
    count: c.count,
    strength: c.strength ?? 1,
    image: input(c.image),
    mask: input(c.mask),
    maskOptions: { blur: c.mask_blur ?? 0, invert: false },
  };
}

describe('fidelity: our pipelines draw what diffusers drew', () => {
  if (!existsSync(casesFile)) {
    it.skip(`fidelity cases absent (${casesFile}), nothing to compare with`, () => {});
    return;
  }
  const file = JSON.parse(readFileSync(casesFile, 'utf8')) as { tolerance: Tolerance; cases: FidelityCase[] };
  const { tolerance } = file;
  // An empty models folder: no `<name>-inpaint` sibling, so the blend cases run on the base model.
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'fidelity-models-'));
  let cache: ModelCache;
  beforeAll(() => {
    cache = new ModelCache(modelsDir, { providers: ['cpu'], threads: 1, graphOptimization: 'all' }, 2 ** 30);
  });
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

  it('has the cases the issue names: txt2img, --n 2, img2img at two strengths, inpaint both ways, latent_sample', () => {
    const names = file.cases.map((c) => c.name);
    expect(file.cases.some((c) => c.pipeline === 'txt2img' && c.count === 2)).toBe(true);
    const strengths = new Set(file.cases.filter((c) => c.pipeline === 'img2img').map((c) => c.strength));
    expect(strengths.size).toBeGreaterThanOrEqual(2);
    expect(names.some((n) => n.startsWith('inpaint-9ch'))).toBe(true);
    expect(names.some((n) => n.startsWith('inpaint-blend'))).toBe(true);
    expect(file.cases.some((c) => c.model === 'tiny-latent-sample')).toBe(true);
  });

  for (const c of file.cases) {
    it(`${c.name} matches diffusers (max abs <= ${tolerance.max_abs}, mean abs <= ${tolerance.mean_abs})`, async () => {
      const model = path.join(fidelityDir, 'models', c.model);
      const result = await runPipeline(cache, model, requestOf(c));
      expect(result.images).toHaveLength(c.reference.length);
      if (c.model === 'tiny-latent-sample') {
        // This encoder samples inside its graph: the same seed must still give the same picture.
        const again = await runPipeline(cache, model, requestOf(c));
        expect(again.images.map((i) => i.png.equals(result.images[0].png))).toEqual([true]);
      }
      let max = 0;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < c.reference.length; i++) {
        const ours = await rgb(result.images[i].png);
        const theirs = await rgb(path.join(fidelityDir, c.reference[i]));
        expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
        for (let k = 0; k < theirs.data.length; k++) {
          const d = Math.abs(ours.data[k] - theirs.data[k]);
          if (d > max) max = d;
          sum += d;
        }
        count += theirs.data.length;
      }
      const mean = sum / count;
      const pass = max <= tolerance.max_abs && mean <= tolerance.mean_abs;
      console.log(`${pass ? 'PASS' : 'FAIL'} fidelity ${c.name} max_abs=${max} mean_abs=${mean.toFixed(4)}`);
      expect(max).toBeLessThanOrEqual(tolerance.max_abs);
      expect(mean).toBeLessThanOrEqual(tolerance.mean_abs);
    });
  }
});
