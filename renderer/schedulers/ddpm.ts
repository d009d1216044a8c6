// DDPM ancestral sampling (Ho et al. 2020): the posterior mean of x_{t-1} given the predicted x0, plus
// fresh noise of the posterior variance at every step but the last.
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

/** The fixed variances; the learned ones need a UNet that also outputs variance channels. */
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;
type VarianceType = (typeof VARIANCE_TYPES)[number];

export class DDPMScheduler implements Scheduler {
  readonly className = 'DDPMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly varianceType: VarianceType;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'alpha',
      zeroSnr: true,
      spacing: 'leading',
      clipSample: true,
      thresholding: true,
    });
    this.varianceType = this.config.reader.choice('variance_type', VARIANCE_TYPES, 'fixed_small');
  }

  setTimesteps(steps: number): void {
    const { numTrain, spacing, stepsOffset } = this.config;
    checkStepCount(this.className, steps, numTrain);
    this.timesteps = spacedTimesteps(spacing, numTrain, steps, stepsOffset, true);
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
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const { alphasCumprod, prediction, clipRange } = this.config;
    const prevT = this.previousTimestep(t);
    const abar = alphaBarAt(this.className, alphasCumprod, t);
    const abarPrev = prevT >= 0 ? alphaBarAt(this.className, alphasCumprod, prevT) : 1;
    const alphaT = abar / abarPrev;
    const betaT = 1 - alphaT;
    const { original } = alphaSpaceOriginal(prediction, modelOutput, sample, abar);
    if (clipRange !== undefined) clipOriginal(original, clipRange);

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
    return addNoiseAtTimestep(this.className, this.config.alphasCumprod, original, noise, t);
  }
}
