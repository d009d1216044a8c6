// Euler (Karras et al. 2022, algorithm 2 without churn): one first-order ODE step per model evaluation.
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
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

export class EulerDiscreteScheduler implements Scheduler {
  readonly className = 'EulerDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly alphasCumprod: Float32Array;
  private readonly trainSigmas: Float32Array;
  private readonly logSigmas: Float64Array;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly sigmaSpacing: 'interpolated' | 'karras' | 'exponential';
  private readonly sigmaMin: number | undefined;
  private readonly sigmaMax: number | undefined;
  private readonly continuousTimesteps: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly index = new StepIndex();

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const zeroSnr = r.bool('rescale_betas_zero_snr', false);
    let betas = betasFromConfig(r);
    if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
    this.alphasCumprod = alphasCumprod(betas);
    // Zero terminal SNR would make the last sigma infinite; keep it large but finite.
    if (zeroSnr) this.alphasCumprod[this.alphasCumprod.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(this.alphasCumprod);
    this.logSigmas = Float64Array.from(this.trainSigmas, (s) => Math.fround(Math.log(s)));
    this.numTrain = this.alphasCumprod.length;
    this.stepsOffset = r.integer('steps_offset', 0);
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    r.choice('interpolation_type', ['linear'], 'linear');
    const karras = r.bool('use_karras_sigmas', false);
    const exponential = r.bool('use_exponential_sigmas', false);
    r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
    if (karras && exponential) {
      throw new Error(`${this.className}: use_karras_sigmas and use_exponential_sigmas cannot both be true`);
    }
    this.sigmaSpacing = karras ? 'karras' : exponential ? 'exponential' : 'interpolated';
    this.sigmaMin = r.optionalNumber('sigma_min');
    this.sigmaMax = r.optionalNumber('sigma_max');
    this.continuousTimesteps =
      r.choice('timestep_type', ['discrete', 'continuous'], 'discrete') === 'continuous';
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
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
      const min = this.sigmaMin ?? sigmas[sigmas.length - 1];
      const max = this.sigmaMax ?? sigmas[0];
      sigmas =
        this.sigmaSpacing === 'karras' ? karrasSigmas(min, max, steps) : exponentialSigmas(min, max, steps);
      timesteps = Float64Array.from(sigmas, (s) => sigmaToTimestep(s, this.logSigmas));
    }
    const last = this.finalSigmaZero ? 0 : this.trainSigmas[0];
    this.sigmas = Float32Array.from([...Array.from(sigmas), last]);
    // v-prediction models trained on continuous time (e.g. some upscalers) take 0.25 * log(sigma).
    this.timesteps =
      this.continuousTimesteps && this.prediction === 'v_prediction'
        ? Float32Array.from(this.sigmas.subarray(0, steps), (s) => 0.25 * Math.log(s))
        : Float32Array.from(timesteps);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
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
    const dt = this.sigmas[i + 1] - sigma;
    const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, sigma);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const derivative = (sample[k] - original[k]) / sigma;
      out[k] = sample[k] + derivative * dt;
    }
    this.index.advance();
    return out;
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
