// LMS (k-diffusion's sample_lms): a linear multistep method over sigma that combines the ODE derivatives
// of up to the last four steps.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addSigmaNoise, checkStep, StepIndex, scaleBySigma, sigmaSpaceOriginal } from './denoising-step.ts';
import { kSchedule, sigmaInitNoise } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

/** How many past derivatives the method combines (diffusers' default, used by its pipelines). */
const LMS_ORDER = 4;

export class LMSDiscreteScheduler implements Scheduler {
  readonly className = 'LMSDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly config: NoiseConfig;
  private readonly index = new StepIndex(this.className);
  /** ODE derivatives of past steps, newest last. */
  private derivatives: Float64Array[] = [];

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: false,
      spacing: 'linspace',
      sigmaSpacings: 'karras-exponential',
    });
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas } = kSchedule(this.config, steps);
    this.sigmas = Float32Array.from([...sigmas, 0]);
    this.timesteps = Float32Array.from(timesteps);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.config.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.derivatives = [];
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, sigma);
    const derivative = new Float64Array(sample.length);
    for (let k = 0; k < derivative.length; k++) derivative[k] = (sample[k] - original[k]) / sigma;
    this.derivatives.push(derivative);
    if (this.derivatives.length > LMS_ORDER) this.derivatives.shift();

    // Early in a run there are fewer past derivatives than the order. diffusers keys the order to the step
    // index alone, so its img2img runs start with an order-4 coefficient applied to a single derivative;
    // here the order never exceeds the derivatives at hand (identical for runs from the first step).
    const order = Math.min(i + 1, LMS_ORDER, this.derivatives.length);
    const out = Float64Array.from(sample);
    for (let j = 0; j < order; j++) {
      const coeff = lmsCoefficient(this.sigmas, i, order, j);
      const d = this.derivatives[this.derivatives.length - 1 - j];
      for (let k = 0; k < out.length; k++) out[k] += coeff * d[k];
    }
    this.index.advance();
    return Float32Array.from(out);
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addSigmaNoise(
      this.className,
      original,
      noise,
      this.sigmas[this.index.forNoising(this.timesteps, t)],
    );
  }
}

// Coefficients of the linear multistep method over a sigma schedule: the integral, from sigma_i to
// sigma_{i+1}, of the Lagrange basis polynomial through the last `order` sigmas. Each basis polynomial has
// degree order - 1 <= 3, so Gauss-Legendre quadrature with four nodes (exact up to degree 7) integrates
// it exactly, where diffusers uses adaptive quadrature to a 1e-4 relative tolerance.
const GAUSS_NODES = [
  -Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5)),
  -Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5)),
  Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5)),
  Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5)),
];
const GAUSS_WEIGHTS = [
  (18 - Math.sqrt(30)) / 36,
  (18 + Math.sqrt(30)) / 36,
  (18 + Math.sqrt(30)) / 36,
  (18 - Math.sqrt(30)) / 36,
];
/** Highest polynomial degree the rule above integrates exactly. */
const EXACT_DEGREE = 2 * GAUSS_NODES.length - 1;

/**
 * Coefficient `j` (0 = newest derivative) for the step from sigmas[i] to sigmas[i+1] using derivatives
 * taken at sigmas[i], sigmas[i-1], ..., sigmas[i-order+1].
 */
export function lmsCoefficient(sigmas: ArrayLike<number>, i: number, order: number, j: number): number {
  if (order - 1 > EXACT_DEGREE)
    throw new Error(`LMS order ${order} is above what the quadrature integrates exactly`);
  if (i - order + 1 < 0 || i + 1 >= sigmas.length || j < 0 || j >= order) {
    throw new Error(`LMS coefficient out of range: step ${i}, order ${order}, term ${j}`);
  }
  const basis = (tau: number) => {
    let prod = 1;
    for (let k = 0; k < order; k++) {
      if (k !== j) prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
    }
    return prod;
  };
  const a = sigmas[i];
  const b = sigmas[i + 1];
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let n = 0; n < GAUSS_NODES.length; n++) sum += GAUSS_WEIGHTS[n] * basis(mid + half * GAUSS_NODES[n]);
  return sum * half;
}
