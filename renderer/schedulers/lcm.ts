// Latent Consistency Model sampling (Luo et al. 2023): each step maps the latent straight to a clean
// estimate through the consistency boundary condition, then re-noises it to the next (much lower)
// timestep with fresh noise. Needs an LCM-distilled UNet or LoRA.
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
import { StepIndex } from './step-index.ts';

/** sigma_data of the consistency-model parameterisation. */
const SIGMA_DATA = 0.5;

export class LCMScheduler implements Scheduler {
  readonly className = 'LCMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly alphasCumprod: Float32Array;
  private readonly finalAlphaCumprod: number;
  private readonly numTrain: number;
  private readonly originalSteps: number;
  private readonly timestepScaling: number;
  private readonly prediction: PredictionType;
  private readonly clipRange: number | undefined;
  private readonly index = new StepIndex();

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    let betas = betasFromConfig(r, { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' });
    if (r.bool('rescale_betas_zero_snr', false)) betas = rescaleZeroTerminalSnr(betas);
    this.alphasCumprod = alphasCumprod(betas);
    this.finalAlphaCumprod = r.bool('set_alpha_to_one', true) ? 1 : this.alphasCumprod[0];
    this.numTrain = this.alphasCumprod.length;
    this.originalSteps = r.integer('original_inference_steps', 50, 1);
    if (this.originalSteps > this.numTrain) {
      r.fail(
        'original_inference_steps',
        this.originalSteps,
        `must be at most num_train_timesteps=${this.numTrain}`,
      );
    }
    this.timestepScaling = r.number('timestep_scaling', 10);
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.clipRange = r.bool('clip_sample', false) ? r.number('clip_sample_range', 1) : undefined;
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
    // timestep_spacing and steps_offset exist in LCM configs but, as in diffusers, do not shape its schedule.
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
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const isLast = i === this.timesteps.length - 1;
    const prevT = isLast ? t : this.timesteps[i + 1];
    const abar = alphaBarAt(this.className, this.alphasCumprod, t);
    const abarPrev =
      prevT >= 0 ? alphaBarAt(this.className, this.alphasCumprod, prevT) : this.finalAlphaCumprod;

    // Boundary condition: the model output dominates at high t, the input itself near t = 0.
    const scaled = t * this.timestepScaling;
    const cSkip = SIGMA_DATA ** 2 / (scaled * scaled + SIGMA_DATA ** 2);
    const cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA ** 2);
    const { original } = alphaSpaceOriginal(this.prediction, modelOutput, sample, abar);
    if (this.clipRange !== undefined) clipOriginal(original, this.clipRange);

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
    requireSameLength(this.className, original, noise, 'noise');
    return alphaSpaceAddNoise(original, noise, alphaBarAt(this.className, this.alphasCumprod, t));
  }
}
