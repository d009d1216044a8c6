// The pictures diffusers' own SDXL pipelines drew for the tiny diffusers-built SDXL models in
// ../shared/fidelity-xl, rendered again through our pipelines: every case must match its reference within the tolerance of
// the fidelity README (max abs <= 2 and mean abs <= 0.05 on 0-255 RGB, over all pictures of a case).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_FLAGS, parseRenderArgs } from '../../bin/render-args.ts';
import { paramsSchema, parseConfig, parsePrompt } from '../../core/index.ts';
import type { Sampler } from '../../core/job/limits.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';

const fidelityDir = fileURLToPath(new URL('../../../shared/fidelity-xl/', import.meta.url));
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
  cli_args: string[];
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

/**
 * The request the render CLI makes of the case's `cli_args`: its own argument splitter, the chat
 * prompt parser and the params schema at the default config, as bin/render.ts uses them.
 */
function cliRequest(c: FidelityCase): { model: string; request: RenderRequest } {
  const argv = c.cli_args.map((a) =>
    a
      .replaceAll('{models}', path.join(fidelityDir, 'models'))
      .replaceAll('{inputs}', path.join(fidelityDir, 'inputs')),
  );
  const { args, problems } = parseRenderArgs(argv);
  expect(problems).toEqual([]);
  const config = parseConfig({});
  const parsed = parsePrompt(args.promptText, {
    limits: config.limits,
    defaults: config.defaults,
    extraFlags: CLI_FLAGS,
  });
  const params = paramsSchema(config.limits, config.defaults).parse({
    prompt: parsed.prompt,
    ...parsed.params,
  });
  const isInpaint = args.mask !== undefined;
  return {
    model: args.model ?? params.model,
    request: {
      prompt: params.prompt,
      negativePrompt: params.negativePrompt,
      width: params.width,
      height: params.height,
      steps: params.steps,
      guidance: params.guidance,
      sampler: params.sampler,
      seed: params.seed ?? 0,
      count: params.count,
      strength: params.strength ?? (isInpaint ? config.defaults.inpaintStrength : config.defaults.strength),
      image: args.image ? readFileSync(args.image) : undefined,
      mask: args.mask ? readFileSync(args.mask) : undefined,
      maskOptions: { blur: args.maskBlur ?? params.mask.blur, invert: args.invertMask },
    },
  };
}

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
      const { model, request } = cliRequest(c);
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
      expect(result.images).toHaveLength(c.reference.length);
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
      console.log(
        `${pass ? 'PASS' : 'FAIL'} fidelity-xl ${c.name} max_abs=${max} mean_abs=${mean.toFixed(4)}`,
      );
      expect(max).toBeLessThanOrEqual(tolerance.max_abs);
      expect(mean).toBeLessThanOrEqual(tolerance.mean_abs);
    });
  }
});
