// Latent Consistency Model sampling (Luo et al. 2023): each step maps the latent straight to a clean
// estimate through the consistency boundary condition, then re-noises it to the next (much lower)
// timestep with fresh noise. Needs an LCM-distilled UNet or LoRA.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addNoiseAtTimestep,
  alphaBarAt,
  alphaSpaceOriginal,
  checkStep,
  clipOriginal,
  drawNoise,
  StepIndex,
} from './denoising-step.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';

/** sigma_data of the consistency-model parameterisation. */
const SIGMA_DATA = 0.5;

export class LCMScheduler implements Scheduler {
  readonly className = 'LCMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly finalAlphaCumprod: number;
  private readonly numTrain: number;
  private readonly originalSteps: number;
  private readonly timestepScaling: number;
  private readonly index = new StepIndex(this.className);

  constructor(config: SchedulerConfig) {
    // timestep_spacing and steps_offset exist in LCM configs but, as in diffusers, do not shape its schedule.
    this.config = readNoiseConfig(this.className, config, {
      space: 'alpha',
      zeroSnr: true,
      clipSample: false,
      thresholding: true,
      betas: { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' },
    });
    const r = this.config.reader;
    this.finalAlphaCumprod = r.bool('set_alpha_to_one', true) ? 1 : this.config.alphasCumprod[0];
    this.numTrain = this.config.numTrain;
    this.originalSteps = r.integer('original_inference_steps', 50, 1);
    if (this.originalSteps > this.numTrain) {
      r.fail(
        'original_inference_steps',
        this.originalSteps,
        `must be at most num_train_timesteps=${this.numTrain}`,
      );
    }
    this.timestepScaling = r.number('timestep_scaling', 10);
  }

  setTimesteps(steps: number): void {
    // The distillation schedule: every k-th training step, noisy first.
    const k = Math.floor(this.numTrain / this.originalSteps);
    if (!Number.isInteger(steps) || steps < 1 || steps > this.originalSteps) {
      throw new Error(
        `${this.className}: steps must be an integer from 1 to original_inference_steps=${this.originalSteps}, got ${steps}`,
      );
    }
    const origin = Array.from({ length: this.originalSteps }, (_, i) => (this.originalSteps - i) * k - 1);
    // Evenly spaced picks from it, as np.linspace(0, len, steps, endpoint=False) floored.
    const stride = origin.length / steps;
    this.timesteps = Float32Array.from({ length: steps }, (_, i) => origin[Math.floor(i * stride)]);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const isLast = i === this.timesteps.length - 1;
    const prevT = isLast ? t : this.timesteps[i + 1];
    const abar = alphaBarAt(this.className, this.config.alphasCumprod, t);
    const abarPrev =
      prevT >= 0 ? alphaBarAt(this.className, this.config.alphasCumprod, prevT) : this.finalAlphaCumprod;

    // Boundary condition: the model output dominates at high t, the input itself near t = 0.
    const scaled = t * this.timestepScaling;
    const cSkip = SIGMA_DATA ** 2 / (scaled * scaled + SIGMA_DATA ** 2);
    const cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA ** 2);
    const { original } = alphaSpaceOriginal(this.config.prediction, modelOutput, sample, abar);
    if (this.config.clipRange !== undefined) clipOriginal(original, this.config.clipRange);

    const out = new Float32Array(sample.length);
    if (isLast) {
      // No noise after the final step, so a one-step run is deterministic.
      for (let k = 0; k < out.length; k++) out[k] = cOut * original[k] + cSkip * sample[k];
    } else {
      const noise = drawNoise(this.className, rng, sample.length);
      const a = Math.sqrt(abarPrev);
      const b = Math.sqrt(1 - abarPrev);
      for (let k = 0; k < out.length; k++)
        out[k] = a * (cOut * original[k] + cSkip * sample[k]) + b * noise[k];
    }
    this.index.advance();
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(this.className, this.config.alphasCumprod, original, noise, t);
  }
}
