// DPM-Solver (Lu et al. 2022) and DPM-Solver++ (Lu et al. 2022b) multistep: first- or second-order
// exponential integrators in log-SNR (lambda) that reuse the previous step's model output. With
// algorithm dpmsolver++ and order 2 this is the "DPM++ 2M" sampler (and "DPM++ 2M Karras" with Karras sigmas).
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
import { interpIndex, roundHalfEven } from './numpy-ranges.ts';
import {
  alphaSpaceAddNoise,
  alphaSpaceOriginal,
  PREDICTION_TYPES,
  type PredictionType,
} from './prediction.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { karrasSigmas, sigmaToTimestep, trainingSigmas } from './sigma-schedule.ts';
import { sigmaIndexForNoising } from './sigma-space.ts';
import { requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import {
  checkStepCount,
  multistepTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timestep-spacing.ts';

/** Below this many steps the last steps drop to lower order, which keeps few-step runs stable. */
const LOWER_ORDER_FINAL_BELOW = 15;

/** alpha_t and sigma_t of the alpha-space latent x = alpha_t x0 + sigma_t noise for a sigma-space sigma. */
function alphaSigma(sigma: number): { alpha: number; sigmaT: number; lambda: number } {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const sigmaT = sigma * alpha;
  return { alpha, sigmaT, lambda: Math.log(alpha) - Math.log(sigmaT) };
}

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly className = 'DPMSolverMultistepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly trainSigmas: Float32Array;
  private readonly logSigmas: Float64Array;
  private readonly lastTimestep: number;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly solverOrder: 1 | 2;
  /** dpmsolver++ solves for the clean sample x0; dpmsolver for the noise. */
  private readonly dataPrediction: boolean;
  private readonly heun: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly eulerAtFinal: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly karras: boolean;
  private readonly index = new StepIndex('second-or-last');
  /** Converted model outputs of past steps, newest last. */
  private outputs: Float64Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const zeroSnr = r.bool('rescale_betas_zero_snr', false);
    let betas = betasFromConfig(r);
    if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
    const abar = alphasCumprod(betas);
    // Zero terminal SNR would make the last sigma infinite; keep it large but finite.
    if (zeroSnr) abar[abar.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(abar);
    this.logSigmas = Float64Array.from(this.trainSigmas, (s) => Math.fround(Math.log(s)));
    this.numTrain = abar.length;

    const order = r.integer('solver_order', 2, 1);
    if (order > 2) r.fail('solver_order', order, 'supported: 1, 2');
    this.solverOrder = order as 1 | 2;
    const algorithm = r.choice('algorithm_type', ['dpmsolver++', 'dpmsolver'], 'dpmsolver++');
    this.dataPrediction = algorithm === 'dpmsolver++';
    this.heun = r.choice('solver_type', ['midpoint', 'heun'], 'midpoint') === 'heun';
    this.lowerOrderFinal = r.bool('lower_order_final', true);
    this.eulerAtFinal = r.bool('euler_at_final', false);
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
    if (this.finalSigmaZero && !this.dataPrediction) {
      r.fail('final_sigmas_type', 'zero', 'algorithm_type dpmsolver needs final_sigmas_type sigma_min');
    }
    this.karras = r.bool('use_karras_sigmas', false);
    r.requireOff('use_exponential_sigmas', 'exponential sigmas are not implemented for this scheduler');
    r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
    r.requireOff('use_lu_lambdas', 'Lu lambdas are not implemented');
    r.requireOff('use_flow_sigmas', 'flow-matching sigmas are not implemented');
    r.requireOff('use_dynamic_shifting', 'dynamic shifting is for flow-matching models');
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
    r.requireUnset('variance_type', 'learned variances are for pixel-space models');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace');
    this.stepsOffset = r.integer('steps_offset', 0);

    // lambda_min_clipped cuts off the noisiest training steps (for cosine schedules): count the steps
    // whose log-SNR lies below it.
    const lambdaMin = r.number('lambda_min_clipped', Number.NEGATIVE_INFINITY);
    let clipped = 0;
    for (const a of abar) {
      const lambda = Math.fround(
        Math.log(Math.fround(Math.sqrt(a))) - Math.log(Math.fround(Math.sqrt(1 - a))),
      );
      if (lambda < lambdaMin) clipped++;
    }
    this.lastTimestep = this.numTrain - clipped;
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    if (this.lastTimestep < 1) throw new Error(`${this.className}: lambda_min_clipped leaves no timesteps`);
    let timesteps: ArrayLike<number> = multistepTimesteps(
      this.spacing,
      this.numTrain,
      this.lastTimestep,
      steps,
      this.stepsOffset,
    );
    let sigmas: number[];
    let last: number;
    if (this.karras) {
      const karras = karrasSigmas(this.trainSigmas[0], this.trainSigmas[this.numTrain - 1], steps);
      timesteps = Float64Array.from(karras, (s) => roundHalfEven(sigmaToTimestep(s, this.logSigmas)));
      sigmas = Array.from(karras);
      last = this.finalSigmaZero ? 0 : karras[karras.length - 1];
    } else {
      sigmas = Array.from(timesteps, (t) => interpIndex(t, this.trainSigmas));
      last = this.finalSigmaZero ? 0 : this.trainSigmas[0];
    }
    this.timesteps = Float32Array.from(timesteps);
    this.sigmas = Float32Array.from([...sigmas, last]);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.outputs = [];
    this.lowerOrderNums = 0;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const n = this.timesteps.length;
    const fewSteps = this.lowerOrderFinal && n < LOWER_ORDER_FINAL_BELOW;
    const firstOrderNow = i === n - 1 && (this.eulerAtFinal || fewSteps || this.finalSigmaZero);
    const { original, noise } = alphaSpaceOriginal(
      this.prediction,
      modelOutput,
      sample,
      1 / (this.sigmas[i] * this.sigmas[i] + 1),
    );
    this.outputs.push(this.dataPrediction ? original : noise);
    if (this.outputs.length > this.solverOrder) this.outputs.shift();

    const out =
      this.solverOrder === 1 || this.lowerOrderNums < 1 || firstOrderNow
        ? this.firstOrderUpdate(i, sample)
        : this.secondOrderUpdate(i, sample);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.index.advance();
    return out;
  }

  /** DDIM-equivalent step from sigmas[i] to sigmas[i+1] with the newest output. */
  private firstOrderUpdate(i: number, sample: Float32Array): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s.lambda;
    const d0 = this.outputs[this.outputs.length - 1];
    const [sampleCoeff, d0Coeff] = this.dataPrediction
      ? [t.sigmaT / s.sigmaT, -t.alpha * Math.expm1(-h)]
      : [t.alpha / s.alpha, -t.sigmaT * Math.expm1(h)];
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = sampleCoeff * sample[k] + d0Coeff * d0[k];
    return out;
  }

  /** Adds a finite-difference correction from the previous step's output (midpoint or Heun form). */
  private secondOrderUpdate(i: number, sample: Float32Array): Float32Array {
    const s0 = alphaSigma(this.sigmas[i]);
    const s1 = alphaSigma(this.sigmas[i - 1]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s0.lambda;
    const r0 = (s0.lambda - s1.lambda) / h;
    const m0 = this.outputs[this.outputs.length - 1];
    const m1 = this.outputs[this.outputs.length - 2];
    let sampleCoeff: number;
    let d0Coeff: number;
    let d1Coeff: number;
    if (this.dataPrediction) {
      const phi = Math.expm1(-h);
      sampleCoeff = t.sigmaT / s0.sigmaT;
      d0Coeff = -t.alpha * phi;
      d1Coeff = this.heun ? t.alpha * (phi / h + 1) : -0.5 * t.alpha * phi;
    } else {
      const phi = Math.expm1(h);
      sampleCoeff = t.alpha / s0.alpha;
      d0Coeff = -t.sigmaT * phi;
      d1Coeff = this.heun ? -t.sigmaT * (phi / h - 1) : -0.5 * t.sigmaT * phi;
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d1 = (m0[k] - m1[k]) / r0;
      out[k] = sampleCoeff * sample[k] + d0Coeff * m0[k] + d1Coeff * d1;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireSameLength(this.className, original, noise, 'noise');
    const i = sigmaIndexForNoising(
      () => this.index.lookup(this.timesteps, t),
      this.index.value,
      this.index.beginIndex,
    );
    const sigma = this.sigmas[i];
    return alphaSpaceAddNoise(original, noise, 1 / (sigma * sigma + 1));
  }
}
