// DDIM (Song et al. 2020): deterministic by default (eta = 0); eta > 0 adds DDPM-like noise per step.
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

export interface DdimOptions {
  /** Weight of the per-step noise: 0 is deterministic DDIM, 1 matches DDPM's variance. */
  eta?: number;
}

export class DDIMScheduler implements Scheduler {
  readonly className = 'DDIMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly alphasCumprod: Float32Array;
  /** alpha_bar "before" the first training step, used by the final step. */
  private readonly finalAlphaCumprod: number;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly clipRange: number | undefined;
  private readonly eta: number;
  private steps = 0;

  constructor(config: SchedulerConfig, options: DdimOptions = {}) {
    const r = new ConfigReader(this.className, config);
    let betas = betasFromConfig(r);
    if (r.bool('rescale_betas_zero_snr', false)) betas = rescaleZeroTerminalSnr(betas);
    this.alphasCumprod = alphasCumprod(betas);
    this.finalAlphaCumprod = r.bool('set_alpha_to_one', true) ? 1 : this.alphasCumprod[0];
    this.numTrain = this.alphasCumprod.length;
    this.stepsOffset = r.integer('steps_offset', 0);
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'leading');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.clipRange = r.bool('clip_sample', true) ? r.number('clip_sample_range', 1) : undefined;
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
    this.eta = options.eta ?? 0;
    if (!(this.eta >= 0)) throw new Error(`${this.className}: eta must be >= 0, got ${this.eta}`);
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    this.steps = steps;
    this.timesteps = spacedTimesteps(this.spacing, this.numTrain, steps, this.stepsOffset, true);
  }

  reset(): void {
    // Every step is located by its timestep alone: nothing to forget.
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const prevT = t - Math.floor(this.numTrain / this.steps);
    const abar = alphaBarAt(this.className, this.alphasCumprod, t);
    const abarPrev = prevT >= 0 ? this.alphasCumprod[prevT] : this.finalAlphaCumprod;
    const { original, noise } = alphaSpaceOriginal(this.prediction, modelOutput, sample, abar);
    if (this.clipRange !== undefined) clipOriginal(original, this.clipRange);

    // Formula (16) of the paper: the noise std of the step, scaled by eta.
    const variance = ((1 - abarPrev) / (1 - abar)) * (1 - abar / abarPrev);
    const std = this.eta * Math.sqrt(variance);
    const originalCoeff = Math.sqrt(abarPrev);
    const directionCoeff = Math.sqrt(1 - abarPrev - std * std);
    const z = this.eta > 0 ? drawNoise(this.className, rng, sample.length) : undefined;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = originalCoeff * original[i] + directionCoeff * noise[i] + (z ? std * z[i] : 0);
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireSameLength(this.className, original, noise, 'noise');
    return alphaSpaceAddNoise(original, noise, alphaBarAt(this.className, this.alphasCumprod, t));
  }
}
