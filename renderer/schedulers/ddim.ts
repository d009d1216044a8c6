// DDIM (Song et al. 2020): deterministic by default (eta = 0); eta > 0 adds DDPM-like noise per step.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addNoiseAtTimestep,
  alphaBarAt,
  alphaSpaceOriginal,
  checkStep,
  clipOriginal,
  drawNoise,
} from './denoising-step.ts';
import { checkStepCount, spacedTimesteps } from './noise-schedule.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';

export interface DdimOptions {
  /** Weight of the per-step noise: 0 is deterministic DDIM, 1 matches DDPM's variance. */
  eta?: number;
}

export class DDIMScheduler implements Scheduler {
  readonly className = 'DDIMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  /** alpha_bar "before" the first training step, used by the final step. */
  private readonly finalAlphaCumprod: number;
  private readonly eta: number;
  private steps = 0;

  constructor(config: SchedulerConfig, options: DdimOptions = {}) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'alpha',
      zeroSnr: true,
      spacing: 'leading',
      clipSample: true,
      thresholding: true,
    });
    const r = this.config.reader;
    this.finalAlphaCumprod = r.bool('set_alpha_to_one', true) ? 1 : this.config.alphasCumprod[0];
    this.eta = options.eta ?? 0;
    if (!(this.eta >= 0)) throw new Error(`${this.className}: eta must be >= 0, got ${this.eta}`);
  }

  setTimesteps(steps: number): void {
    const { numTrain, spacing, stepsOffset } = this.config;
    checkStepCount(this.className, steps, numTrain);
    this.steps = steps;
    this.timesteps = spacedTimesteps(spacing, numTrain, steps, stepsOffset, true);
  }

  reset(): void {
    // Every step is located by its timestep alone: nothing to forget.
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const { alphasCumprod, numTrain, prediction, clipRange } = this.config;
    const prevT = t - Math.floor(numTrain / this.steps);
    const abar = alphaBarAt(this.className, alphasCumprod, t);
    const abarPrev = prevT >= 0 ? alphasCumprod[prevT] : this.finalAlphaCumprod;
    const { original, noise } = alphaSpaceOriginal(prediction, modelOutput, sample, abar);
    if (clipRange !== undefined) clipOriginal(original, clipRange);

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
    return addNoiseAtTimestep(this.className, this.config.alphasCumprod, original, noise, t);
  }
}
