// LMS (k-diffusion's sample_lms): a linear multistep method over sigma that combines the ODE derivatives
// of up to the last four steps.
import { alphasCumprod, betasFromConfig } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
import { lmsCoefficient } from './lms-coefficients.ts';
import { interpIndex } from './numpy-ranges.ts';
import { PREDICTION_TYPES, type PredictionType, sigmaSpaceOriginal } from './prediction.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import {
  exponentialSigmas,
  karrasSigmas,
  sigmaInitNoise,
  sigmaToTimestep,
  trainingSigmas,
} from './sigma-schedule.ts';
import { scaleBySigma, sigmaIndexForNoising, sigmaSpaceAddNoise } from './sigma-space.ts';
import { requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import {
  checkStepCount,
  spacedTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timestep-spacing.ts';

/** How many past derivatives the method combines (diffusers' default, used by its pipelines). */
const LMS_ORDER = 4;

export class LMSDiscreteScheduler implements Scheduler {
  readonly className = 'LMSDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly trainSigmas: Float32Array;
  private readonly logSigmas: Float64Array;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly sigmaSpacing: 'interpolated' | 'karras' | 'exponential';
  private readonly index = new StepIndex();
  /** ODE derivatives of past steps, newest last. */
  private derivatives: Float64Array[] = [];

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const abar = alphasCumprod(betasFromConfig(r));
    this.trainSigmas = trainingSigmas(abar);
    this.logSigmas = Float64Array.from(this.trainSigmas, (s) => Math.fround(Math.log(s)));
    this.numTrain = abar.length;
    this.stepsOffset = r.integer('steps_offset', 0);
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    const karras = r.bool('use_karras_sigmas', false);
    const exponential = r.bool('use_exponential_sigmas', false);
    r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
    if (karras && exponential) {
      throw new Error(`${this.className}: use_karras_sigmas and use_exponential_sigmas cannot both be true`);
    }
    this.sigmaSpacing = karras ? 'karras' : exponential ? 'exponential' : 'interpolated';
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    let timesteps: ArrayLike<number> = spacedTimesteps(
      this.spacing,
      this.numTrain,
      steps,
      this.stepsOffset,
      false,
    );
    let sigmas: ArrayLike<number> = Float64Array.from(timesteps, (t) => interpIndex(t, this.trainSigmas));
    if (this.sigmaSpacing !== 'interpolated') {
      const min = sigmas[sigmas.length - 1];
      const max = sigmas[0];
      sigmas =
        this.sigmaSpacing === 'karras' ? karrasSigmas(min, max, steps) : exponentialSigmas(min, max, steps);
      timesteps = Float64Array.from(sigmas, (s) => sigmaToTimestep(s, this.logSigmas));
    }
    this.sigmas = Float32Array.from([...Array.from(sigmas), 0]);
    this.timesteps = Float32Array.from(timesteps);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.spacing);
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
    requireSchedule(this.className, this.timesteps);
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, sigma);
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
    requireSameLength(this.className, original, noise, 'noise');
    const i = sigmaIndexForNoising(
      () => this.index.lookup(this.timesteps, t),
      this.index.value,
      this.index.beginIndex,
    );
    return sigmaSpaceAddNoise(original, noise, this.sigmas[i]);
  }
}
