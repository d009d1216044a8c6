// The pieces of one denoising step the schedulers share: what the UNet predicts (`prediction_type`)
// turned into the clean sample x0, in sigma space (x = x0 + sigma * noise, the k-diffusion view) and in
// alpha space (x = sqrt(abar) x0 + sqrt(1 - abar) noise, with abar = 1 / (sigma^2 + 1) for a sigma);
// noising and input scaling; the position of a step in the schedule; and the checks on a step's
// arguments, so misuse fails loudly instead of producing a picture of noise.
import type { NoiseSource } from './scheduler.ts';

// --- Prediction types ---

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

/** x0 from a prediction made on the sigma-space latent `sample` (the model saw it scaled to unit variance). */
export function sigmaSpaceOriginal(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
): Float64Array {
  const out = new Float64Array(sample.length);
  if (type === 'epsilon') {
    for (let i = 0; i < out.length; i++) out[i] = sample[i] - sigma * modelOutput[i];
  } else if (type === 'v_prediction') {
    // v = alpha * noise - sigma_t * x0 with alpha = 1/sqrt(sigma^2 + 1), sigma_t = sigma * alpha.
    const c = -sigma / Math.sqrt(sigma * sigma + 1);
    const skip = 1 / (sigma * sigma + 1);
    for (let i = 0; i < out.length; i++) out[i] = modelOutput[i] * c + sample[i] * skip;
  } else {
    out.set(modelOutput);
  }
  return out;
}

/** x0 and the implied noise from a prediction on the alpha-space latent `sample` at cumulative alpha `abar`. */
export function alphaSpaceOriginal(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  abar: number,
): { original: Float64Array; noise: Float64Array } {
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const original = new Float64Array(sample.length);
  const noise = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const m = modelOutput[i];
    const x = sample[i];
    if (type === 'epsilon') {
      original[i] = (x - b * m) / a;
      noise[i] = m;
    } else if (type === 'v_prediction') {
      original[i] = a * x - b * m;
      noise[i] = a * m + b * x;
    } else {
      original[i] = m;
      noise[i] = (x - a * m) / b;
    }
  }
  return { original, noise };
}

/** Clamps x0 to [-range, range] in place (`clip_sample`). */
export function clipOriginal(original: Float64Array, range: number): void {
  for (let i = 0; i < original.length; i++) original[i] = Math.min(range, Math.max(-range, original[i]));
}

// --- Noising and input scaling ---

/** Noises x0 in alpha space at cumulative alpha `abar`. */
export function addAlphaNoise(
  className: string,
  original: Float32Array,
  noise: Float32Array,
  abar: number,
): Float32Array {
  requireSameLength(className, original, noise, 'noise');
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = a * original[i] + b * noise[i];
  return out;
}

/** Noises x0 to the level of training timestep `t` in alpha space (DDIM, DDPM, PNDM, LCM). */
export function addNoiseAtTimestep(
  className: string,
  alphasCumprod: Float32Array,
  original: Float32Array,
  noise: Float32Array,
  t: number,
): Float32Array {
  return addAlphaNoise(className, original, noise, alphaBarAt(className, alphasCumprod, t));
}

export function addSigmaNoise(
  className: string,
  original: Float32Array,
  noise: Float32Array,
  sigma: number,
): Float32Array {
  requireSameLength(className, original, noise, 'noise');
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma;
  return out;
}

/** The UNet was trained on unit-variance inputs: divide by sqrt(sigma^2 + 1). */
export function scaleBySigma(sample: Float32Array, sigma: number): Float32Array {
  const scale = 1 / Math.sqrt(sigma * sigma + 1);
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = sample[i] * scale;
  return out;
}

/**
 * The alpha view of a sigma-space noise level, for the exponential-integrator solvers (DPM-Solver, DEIS,
 * UniPC): x = alpha x0 + sigmaT noise, and lambda = log(alpha / sigmaT), the log-SNR.
 */
export interface AlphaSigma {
  alpha: number;
  sigmaT: number;
  lambda: number;
}

export function alphaSigma(sigma: number): AlphaSigma {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const sigmaT = sigma * alpha;
  return { alpha, sigmaT, lambda: Math.log(alpha) - Math.log(sigmaT) };
}

// --- Position in the schedule ---

/**
 * Which entry of the schedule the next step is, for schedulers that walk `sigmas` by position. Found from
 * the timestep on the first call of a run (or set up front for img2img), then advanced by one per step.
 */
export class StepIndex {
  private current: number | undefined;
  private begin: number | undefined;

  constructor(
    private readonly className: string,
    private readonly duplicateRule: 'second' | 'second-or-last' = 'second',
  ) {}

  setBegin(index: number): void {
    this.begin = index;
  }

  reset(): void {
    this.current = undefined;
    this.begin = undefined;
  }

  /** The index for timestep `t` of `timesteps`, initialising the run's position on first use. */
  resolve(timesteps: Float32Array, t: number): number {
    requireSchedule(this.className, timesteps);
    if (this.current === undefined) this.current = this.begin ?? this.lookup(timesteps, t);
    return this.current;
  }

  advance(): void {
    if (this.current === undefined) throw new Error('step index advanced before it was resolved');
    this.current++;
  }

  /**
   * The index whose sigma noises a sample at timestep `t`, following diffusers: by lookup when no begin
   * index was set, otherwise the current step (inpainting re-noises mid-run) or the begin index (img2img).
   */
  forNoising(timesteps: Float32Array, t: number): number {
    if (this.begin === undefined) return this.lookup(timesteps, t);
    return this.current ?? this.begin;
  }

  /**
   * Where `t` sits in the schedule. When it appears twice (Karras schedules repeat small timesteps) the
   * second is taken, so a run that starts mid-schedule does not skip a sigma.
   */
  lookup(timesteps: Float32Array, t: number): number {
    // Schedules hold float32 values; compare in float32 so a timestep read back as a double still matches.
    const key = Math.fround(t);
    const found: number[] = [];
    for (let i = 0; i < timesteps.length && found.length < 2; i++) if (timesteps[i] === key) found.push(i);
    if (found.length === 0) {
      if (this.duplicateRule === 'second-or-last') return timesteps.length - 1;
      throw new Error(`timestep ${t} is not in the schedule [${Array.from(timesteps).join(', ')}]`);
    }
    return found.length > 1 ? found[1] : found[0];
  }
}

// --- Argument checks ---

export function requireSameLength(
  className: string,
  sample: Float32Array,
  other: Float32Array,
  what: string,
): void {
  if (other.length !== sample.length) {
    throw new Error(`${className}: ${what} has ${other.length} values but the sample has ${sample.length}`);
  }
}

/** What every `step` checks first: a schedule exists and the model output fits the sample. */
export function checkStep(
  className: string,
  timesteps: Float32Array,
  sample: Float32Array,
  modelOutput: Float32Array,
): void {
  if (timesteps.length === 0) throw new Error(`${className}: call setTimesteps before stepping`);
  requireSameLength(className, sample, modelOutput, 'model output');
}

export function requireSchedule(className: string, timesteps: Float32Array): void {
  if (timesteps.length === 0) throw new Error(`${className}: call setTimesteps before stepping`);
}

/** alpha_bar at an integer training timestep. */
export function alphaBarAt(className: string, alphasCumprod: Float32Array, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= alphasCumprod.length) {
    throw new Error(`${className}: timestep ${t} is not a training step in [0, ${alphasCumprod.length - 1}]`);
  }
  return alphasCumprod[t];
}

/** Draws noise for the sample and checks the source gave as many values as asked. */
export function drawNoise(className: string, rng: NoiseSource | undefined, count: number): Float32Array {
  if (!rng) throw new Error(`${className}.step draws noise and needs a noise source (rng)`);
  const noise = rng.randn(count);
  if (noise.length !== count)
    throw new Error(`${className}: noise source gave ${noise.length} of ${count} values`);
  return noise;
}
