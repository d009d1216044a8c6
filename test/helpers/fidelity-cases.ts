// What the fidelity suites (../shared/fidelity, fidelity-xl, fidelity-lora) share: a case's CLI
// arguments read into a render request as the render CLI reads them, and our pictures held against
// the references diffusers drew.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { pictureRequest } from '../../bin/cli-render-request.ts';
import { CLI_FLAGS, parseRenderArgs } from '../../bin/render-args.ts';
import { paramsSchema, parseConfig, parsePrompt } from '../../core/index.ts';
import type { Sampler } from '../../core/job/limits.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { rgbOf } from './picture.ts';

export interface Tolerance {
  max_abs: number;
  mean_abs: number;
}

/** A case of ../shared/fidelity/cases.json or ../shared/fidelity-xl/cases.json. */
export interface FidelityCase {
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

/** A case's CLI arguments with the folders of its suite filled in, read as the render CLI reads them. */
export function caseRequest(suiteDir: string, c: FidelityCase): { model: string; request: RenderRequest } {
  return cliRequest(
    c.cli_args.map((a) =>
      a
        .replaceAll('{models}', path.join(suiteDir, 'models'))
        .replaceAll('{inputs}', path.join(suiteDir, 'inputs')),
    ),
  );
}

/**
 * The request the render CLI makes of these arguments: its own argument splitter, the chat prompt
 * parser and the params schema at the default config, as bin/render.ts uses them.
 */
export function cliRequest(argv: string[]): { model: string; request: RenderRequest } {
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
  return {
    model: args.model ?? params.model,
    request: pictureRequest(args, params, config, {
      seed: params.seed ?? 0,
      image: args.image ? readFileSync(args.image) : undefined,
      mask: args.mask ? readFileSync(args.mask) : undefined,
    }),
  };
}

/**
 * Our pictures against diffusers' reference files (paths relative to `dir`): same sizes, and the
 * largest and the mean absolute difference over all pictures of the case held to the tolerance.
 * Prints one PASS or FAIL line named `label` either way, so a run shows how close every case came.
 */
export async function expectReferencesMatched(
  label: string,
  pngs: Buffer[],
  dir: string,
  references: string[],
  tolerance: Tolerance,
): Promise<void> {
  expect(pngs).toHaveLength(references.length);
  let max = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < references.length; i++) {
    const ours = await rgbOf(pngs[i]);
    const theirs = await rgbOf(readFileSync(path.join(dir, references[i])));
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
  console.log(`${pass ? 'PASS' : 'FAIL'} ${label} max_abs=${max} mean_abs=${mean.toFixed(4)}`);
  expect(max).toBeLessThanOrEqual(tolerance.max_abs);
  expect(mean).toBeLessThanOrEqual(tolerance.mean_abs);
}
