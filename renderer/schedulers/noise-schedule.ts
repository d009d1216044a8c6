// The noise schedule every scheduler is built on: training betas and alpha_bar, the training sigmas
// (sigma = sqrt((1 - alpha_bar) / alpha_bar)) and their respacings (Karras, exponential), and how
// inference timesteps are picked from the training steps. Computed in float32 where PyTorch does and
// with NumPy's range helpers reproduced to the last bit: a timestep that differs by rounding picks a
// different training step.

// --- NumPy's ranges ---

/** np.linspace(start, stop, num) in float64: start + i*step, with the end point set exactly. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** np.arange(start, stop, step) for float steps: the length is ceil((stop-start)/step), values start + i*delta. */
export function arange(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(length);
  // NumPy fills from the first two values, so its increment is (start + step) - start.
  const delta = start + step - start;
  for (let i = 0; i < length; i++) out[i] = start + i * delta;
  return out;
}

/** np.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** np.interp(x, [0, 1, ..., n-1], values) for x inside the table (clamped at its ends). */
export function interpIndex(x: number, values: ArrayLike<number>): number {
  const last = values.length - 1;
  if (x <= 0) return values[0];
  if (x >= last) return values[last];
  const low = Math.floor(x);
  const w = x - low;
  return values[low] + (values[low + 1] - values[low]) * w;
}

// --- Betas and alpha_bar ---

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

export interface BetaDefaults {
  beta_start: number;
  beta_end: number;
  beta_schedule: BetaSchedule;
}

/** diffusers' constructor defaults shared by most schedulers (LCM overrides them). */
export const DEFAULT_BETAS: BetaDefaults = { beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

export function betaSchedule(
  schedule: BetaSchedule,
  start: number,
  end: number,
  numTrain: number,
): Float32Array {
  switch (schedule) {
    case 'linear':
      return torchLinspaceF32(start, end, numTrain);
    case 'scaled_linear': {
      // Linear in sqrt(beta): the latent-diffusion schedule.
      const roots = torchLinspaceF32(Math.sqrt(start), Math.sqrt(end), numTrain);
      return roots.map((r) => r * r);
    }
    case 'squaredcos_cap_v2':
      return cosineBetas(numTrain);
  }
}

/** Improved-DDPM cosine schedule: betas that discretise alpha_bar(t) = cos^2((t + 0.008) / 1.008 * pi/2). */
function cosineBetas(numTrain: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = new Float32Array(numTrain);
  for (let i = 0; i < numTrain; i++) {
    betas[i] = Math.min(1 - alphaBar((i + 1) / numTrain) / alphaBar(i / numTrain), maxBeta);
  }
  return betas;
}

/** torch.linspace in float32: the first half counts up from start, the second half down from end. */
function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const f = Math.fround;
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) out[i] = i < half ? s + f(step * i) : e - f(step * (steps - 1 - i));
  return out;
}

/** Cumulative product of (1 - beta); PyTorch accumulates a float32 cumprod in double. */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= Math.fround(1 - betas[i]);
    out[i] = acc;
  }
  return out;
}

/**
 * Rescales betas so the last timestep has zero signal-to-noise ratio (Lin et al. 2023, "Common Diffusion
 * Noise Schedules and Sample Steps are Flawed"): shift and scale sqrt(alpha_bar) so it ends at exactly 0.
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtBar = alphasCumprod(betas).map(Math.sqrt);
  const first = sqrtBar[0];
  const last = sqrtBar[sqrtBar.length - 1];
  const scale = first / (first - last);
  const bar = sqrtBar.map((v) => ((v - last) * scale) ** 2);
  const out = new Float32Array(betas.length);
  out[0] = 1 - bar[0];
  for (let i = 1; i < bar.length; i++) out[i] = 1 - bar[i] / bar[i - 1];
  return out;
}

// --- Timestep spacing (table 2 of "Common Diffusion Noise Schedules ..."), noisy to clean ---

export const TIMESTEP_SPACINGS = ['linspace', 'leading', 'trailing'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export function checkStepCount(className: string, steps: number, numTrain: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrain) {
    throw new Error(
      `${className}: steps must be an integer from 1 to num_train_timesteps=${numTrain}, got ${steps}`,
    );
  }
}

/**
 * The schedule of DDIM, DDPM, PNDM (integers) and of Euler, Euler ancestral and LMS (`integerLinspace`
 * false: linspace keeps its fractional timesteps, rounded to float32).
 */
export function spacedTimesteps(
  spacing: TimestepSpacing,
  numTrain: number,
  steps: number,
  stepsOffset: number,
  integerLinspace: boolean,
): Float32Array {
  switch (spacing) {
    case 'linspace': {
      const ts = linspace(0, numTrain - 1, steps).reverse();
      return Float32Array.from(ts, (t) => (integerLinspace ? roundHalfEven(t) : t));
    }
    case 'leading': {
      const ratio = Math.floor(numTrain / steps);
      return Float32Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return Float32Array.from(arange(numTrain, 0, -numTrain / steps), (t) => roundHalfEven(t) - 1);
  }
}

/**
 * The schedule of the multistep solvers: it places steps + 1 points and drops the clean end, and may
 * stop short of the last training step (`lastTimestep`, from lambda_min_clipped).
 */
export function multistepTimesteps(
  spacing: TimestepSpacing,
  numTrain: number,
  lastTimestep: number,
  steps: number,
  stepsOffset: number,
): Float32Array {
  switch (spacing) {
    case 'linspace': {
      const ts = linspace(0, lastTimestep - 1, steps + 1).reverse();
      return Float32Array.from(ts.subarray(0, steps), roundHalfEven);
    }
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (steps + 1));
      return Float32Array.from({ length: steps }, (_, i) => (steps - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return Float32Array.from(arange(lastTimestep, 0, -numTrain / steps), (t) => roundHalfEven(t) - 1);
  }
}

// --- Sigmas ---

/** sigma for every training step, computed in float32 like PyTorch does. */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  const f = Math.fround;
  return alphasCumprod.map((a) => Math.sqrt(f(f(1 - a) / a)));
}

/** Karras et al. 2022, eq. 5: sigmas evenly spaced in sigma^(1/rho), from sigmaMax down to sigmaMin. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): Float64Array {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, steps).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Sigmas evenly spaced in log(sigma), from sigmaMax down to sigmaMin. */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, steps: number): Float64Array {
  return linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).map(Math.exp);
}

/**
 * The fractional training timestep whose sigma is `sigma`: linear interpolation in log(sigma) between the
 * two training steps around it (`logSigmas` ascends with the timestep).
 */
export function sigmaToTimestep(sigma: number, logSigmas: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lo = logSigmas[low];
  const hi = logSigmas[low + 1];
  const w = Math.min(Math.max((lo - logSigma) / (lo - hi), 0), 1);
  return (1 - w) * low + w * (low + 1);
}

/**
 * Scale of the starting noise for sigma-space schedulers: the largest sigma, but sqrt(sigma^2 + 1) for
 * `leading` spacing (diffusers' convention, kept so leading-spaced configs render the same).
 */
export function sigmaInitNoise(sigmas: Float32Array, spacing: TimestepSpacing): number {
  let max = 0;
  for (const s of sigmas) max = Math.max(max, s);
  return spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
}

// --- Whole schedules of the sigma-space families ---

export type SigmaSpacing = 'interpolated' | 'karras' | 'exponential';

/** What a sigma-space schedule is built from (a NoiseConfig from config-reader.ts is one). */
export interface SigmaScheduleSource {
  /** Named in the error for a step count outside 1..num_train_timesteps. */
  className: string;
  spacing: TimestepSpacing;
  stepsOffset: number;
  trainSigmas: Float32Array;
  /** log of `trainSigmas`, in float32 as diffusers keeps them. */
  logSigmas: Float64Array;
  sigmaSpacing: SigmaSpacing;
}

export interface KScheduleOptions {
  /** KDPM2 rounds the timesteps read back from Karras sigmas (not exponential ones); the others never do. */
  roundKarras?: boolean;
  /** Ends of a respaced schedule where the config sets them (Euler's sigma_min, sigma_max). */
  sigmaMin?: number;
  sigmaMax?: number;
}

/**
 * The k-diffusion style schedule (Euler, Euler ancestral, LMS, Heun, KDPM2): training timesteps spaced
 * as Euler's, sigmas interpolated at them, optionally respaced (Karras, exponential) with the timesteps
 * read back from the respaced sigmas. Both noisy first, without the final sigma.
 */
export function kSchedule(
  o: SigmaScheduleSource,
  steps: number,
  options: KScheduleOptions = {},
): { timesteps: number[]; sigmas: number[] } {
  checkStepCount(o.className, steps, o.trainSigmas.length);
  let timesteps = Array.from(spacedTimesteps(o.spacing, o.trainSigmas.length, steps, o.stepsOffset, false));
  let sigmas = timesteps.map((t) => interpIndex(t, o.trainSigmas));
  if (o.sigmaSpacing !== 'interpolated') {
    const min = options.sigmaMin ?? sigmas[sigmas.length - 1];
    const max = options.sigmaMax ?? sigmas[0];
    sigmas = Array.from(
      o.sigmaSpacing === 'karras' ? karrasSigmas(min, max, steps) : exponentialSigmas(min, max, steps),
    );
    timesteps = sigmas.map((s) => sigmaToTimestep(s, o.logSigmas));
    if (options.roundKarras && o.sigmaSpacing === 'karras') timesteps = timesteps.map(roundHalfEven);
  }
  return { timesteps, sigmas };
}

/**
 * The schedule of the exponential-integrator solvers (DPM-Solver, DEIS, UniPC): multistep timesteps with
 * their interpolated sigmas, or Karras sigmas over the training range (unless `sigmaMin`/`sigmaMax` say
 * otherwise) with the rounded timesteps read back. `smallest` is the schedule's lowest sigma, where a
 * run ends that does not end at zero. Without the final sigma.
 */
export function solverSchedule(
  o: SigmaScheduleSource,
  steps: number,
  lastTimestep: number,
  options: { sigmaMin?: number; sigmaMax?: number } = {},
): { timesteps: Float32Array; sigmas: number[]; smallest: number } {
  const numTrain = o.trainSigmas.length;
  checkStepCount(o.className, steps, numTrain);
  if (o.sigmaSpacing === 'karras') {
    const min = options.sigmaMin ?? o.trainSigmas[0];
    const max = options.sigmaMax ?? o.trainSigmas[numTrain - 1];
    const karras = Array.from(karrasSigmas(min, max, steps));
    const timesteps = Float32Array.from(karras, (s) => roundHalfEven(sigmaToTimestep(s, o.logSigmas)));
    return { timesteps, sigmas: karras, smallest: karras[karras.length - 1] };
  }
  const timesteps = multistepTimesteps(o.spacing, numTrain, lastTimestep, steps, o.stepsOffset);
  const sigmas = Array.from(timesteps, (t) => interpIndex(t, o.trainSigmas));
  return { timesteps, sigmas, smallest: o.trainSigmas[0] };
}

/** [a0, a1, a1, a2, a2, ..., last]: diffusers' `cat([x[:1], x[1:-1].repeat_interleave(2), x[-1:]])`. */
export function interleaveInner(values: readonly number[]): number[] {
  const out = [values[0]];
  for (let i = 1; i < values.length - 1; i++) out.push(values[i], values[i]);
  if (values.length > 1) out.push(values[values.length - 1]);
  return out;
}

/** [a0, a1, a1, ..., an, an, an]: diffusers' `cat([x[:1], x[1:].repeat_interleave(2), x[-1:]])`. */
export function interleaveTail(values: readonly number[]): number[] {
  const out = [values[0]];
  for (let i = 1; i < values.length; i++) out.push(values[i], values[i]);
  out.push(values[values.length - 1]);
  return out;
}

/**
 * How many training steps a schedule may use when `lambda_min_clipped` cuts off the noisiest ones (for
 * cosine schedules): those whose log-SNR, in float32, lies below it are dropped.
 */
export function lastTimestepAbove(alphasCumprod: Float32Array, lambdaMin: number): number {
  let clipped = 0;
  for (const a of alphasCumprod) {
    const lambda = Math.fround(Math.log(Math.fround(Math.sqrt(a))) - Math.log(Math.fround(Math.sqrt(1 - a))));
    if (lambda < lambdaMin) clipped++;
  }
  return alphasCumprod.length - clipped;
}
