// DDPM ancestral sampling (Ho et al. 2020): the posterior mean of x_{t-1} given the predicted x0, plus
// fresh noise of the posterior variance at every step but the last.
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
import {
  alphaSpaceAddNoise,
  alphaSpaceOriginal,
  clipOriginal,
  PREDICTION_TYPES,
  type PredictionType,
} from './prediction.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';
import { alphaBarAt, drawNoise, requireSameLength, requireSchedule } from './step-checks.ts';
import {
  checkStepCount,
  spacedTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timestep-spacing.ts';

/** The fixed variances; the learned ones need a UNet that also outputs variance channels. */
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;
type VarianceType = (typeof VARIANCE_TYPES)[number];

export class DDPMScheduler implements Scheduler {
  readonly className = 'DDPMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly alphasCumprod: Float32Array;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly clipRange: number | undefined;
  private readonly varianceType: VarianceType;

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    let betas = betasFromConfig(r);
    if (r.bool('rescale_betas_zero_snr', false)) betas = rescaleZeroTerminalSnr(betas);
    this.alphasCumprod = alphasCumprod(betas);
    this.numTrain = this.alphasCumprod.length;
    this.stepsOffset = r.integer('steps_offset', 0);
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'leading');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.clipRange = r.bool('clip_sample', true) ? r.number('clip_sample_range', 1) : undefined;
    this.varianceType = r.choice('variance_type', VARIANCE_TYPES, 'fixed_small');
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    this.timesteps = spacedTimesteps(this.spacing, this.numTrain, steps, this.stepsOffset, true);
  }

  reset(): void {
    // Every step is located by its timestep alone: nothing to forget.
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** The next timestep of the schedule after `t`, or -1 after the last. */
  private previousTimestep(t: number): number {
    const i = this.timesteps.indexOf(Math.fround(t));
    if (i < 0) throw new Error(`${this.className}: timestep ${t} is not in the schedule`);
    return i === this.timesteps.length - 1 ? -1 : this.timesteps[i + 1];
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const prevT = this.previousTimestep(t);
    const abar = alphaBarAt(this.className, this.alphasCumprod, t);
    const abarPrev = prevT >= 0 ? alphaBarAt(this.className, this.alphasCumprod, prevT) : 1;
    const alphaT = abar / abarPrev;
    const betaT = 1 - alphaT;
    const { original } = alphaSpaceOriginal(this.prediction, modelOutput, sample, abar);
    if (this.clipRange !== undefined) clipOriginal(original, this.clipRange);

    // Posterior mean, eq. 7 of the paper.
    const originalCoeff = (Math.sqrt(abarPrev) * betaT) / (1 - abar);
    const sampleCoeff = (Math.sqrt(alphaT) * (1 - abarPrev)) / (1 - abar);
    let std = 0;
    let noise: Float32Array | undefined;
    if (t > 0) {
      noise = drawNoise(this.className, rng, sample.length);
      const posterior = Math.max(((1 - abarPrev) / (1 - abar)) * betaT, 1e-20);
      std = this.varianceType === 'fixed_large' ? Math.sqrt(betaT) : Math.sqrt(posterior);
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      out[k] = originalCoeff * original[k] + sampleCoeff * sample[k] + (noise ? std * noise[k] : 0);
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireSameLength(this.className, original, noise, 'noise');
    return alphaSpaceAddNoise(original, noise, alphaBarAt(this.className, this.alphasCumprod, t));
  }
}
