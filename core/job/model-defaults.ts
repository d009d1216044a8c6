// What a model brings of its own: its family, the size it was trained at, and for distilled models
// (Turbo, LCM) the steps, guidance and sampler it is meant to run with. A job keeps which of those
// params its request left to defaults, and, for --ar, the ratio; the model's values then take their
// place (the user's own choices win over the model's, the model's over the server's).
import { parseRatio, sizeForRatio } from '../flags/aspect.ts';
import type { DefaultedParam, Limits, Sampler } from './limits.ts';

export interface ModelDefaults {
  /** sd15, sd2, sdxl, sdxl-inpaint, toy, ... (from the folder, or imagine.json's "family"). */
  family: string;
  /** The size the model was trained at: the default size, and the area --ar spreads over. */
  width: number;
  height: number;
  steps?: number;
  guidance?: number;
  sampler?: Sampler;
}

interface SizedParams {
  width: number;
  height: number;
  steps: number;
  guidance: number;
  sampler: Sampler;
  aspectRatio?: string;
}

/** Which of the model-defaultable params a request's own params leave out (and the operator did not fix). */
export function defaultedParams(
  given: Record<string, unknown>,
  fixed: readonly DefaultedParam[] = [],
): DefaultedParam[] {
  const out: DefaultedParam[] = [];
  // An --ar size is the ratio over the default area: the model's area may take its place.
  if ((given.width === undefined && given.height === undefined) || given.aspectRatio !== undefined)
    out.push('size');
  for (const name of ['steps', 'guidance', 'sampler'] as const) if (given[name] === undefined) out.push(name);
  return out.filter((name) => !fixed.includes(name));
}

function fits(size: { width: number; height: number }, limits: Limits): boolean {
  return (
    Math.min(size.width, size.height) >= limits.minSide &&
    Math.max(size.width, size.height) <= limits.maxSide &&
    size.width * size.height <= limits.maxPixels
  );
}

/**
 * The size of `ratio` (W:H) in `budget` pixels, shrunk until it fits the limits; undefined when even
 * the smallest budget breaks them (a ratio too extreme for the side limits).
 */
export function ratioSize(
  ratio: string,
  budget: number,
  limits: Limits,
): { width: number; height: number } | undefined {
  const r = parseRatio(ratio);
  if (!r) return undefined;
  let pixels = Math.min(budget, limits.maxPixels);
  for (let tries = 0; tries < 64; tries++) {
    const size = sizeForRatio(r.w, r.h, pixels, limits.sideMultiple);
    if (fits(size, limits)) return size;
    // Too small a side cannot be helped by shrinking; too large a side can.
    if (Math.min(size.width, size.height) < limits.minSide) return undefined;
    pixels *= 0.9;
  }
  return undefined;
}

/**
 * The job as this model draws it: each param the request left to defaults takes the model's value,
 * and an --ar size is fitted to the model's natural area. Values the limits refuse are brought
 * within them. Applying it twice gives the same job.
 */
export function withModelDefaults<J extends { params: SizedParams; defaulted?: readonly DefaultedParam[] }>(
  job: J,
  model: ModelDefaults,
  limits: Limits,
): J {
  const left = new Set(job.defaulted ?? []);
  const params = { ...job.params };
  const natural = model.width * model.height;
  if (left.has('size') && params.aspectRatio !== undefined) {
    const size = ratioSize(params.aspectRatio, natural, limits);
    if (size) Object.assign(params, size);
  } else if (left.has('size')) {
    const size = fits(model, limits)
      ? { width: model.width, height: model.height }
      : ratioSize(`${model.width}:${model.height}`, natural, limits);
    if (size) Object.assign(params, size);
  }
  if (left.has('steps') && model.steps !== undefined) params.steps = Math.min(model.steps, limits.maxSteps);
  if (left.has('guidance') && model.guidance !== undefined)
    params.guidance = Math.min(model.guidance, limits.maxGuidance);
  if (left.has('sampler') && model.sampler !== undefined) params.sampler = model.sampler;
  return { ...job, params };
}
