// Euler ancestral (k-diffusion's sample_euler_ancestral): an Euler step down to a lower sigma, then fresh
// noise added back up to the next sigma. Draws noise every step, so results depend on the generator.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addSigmaNoise,
  checkStep,
  drawNoise,
  StepIndex,
  scaleBySigma,
  sigmaSpaceOriginal,
} from './denoising-step.ts';
import { kSchedule, sigmaInitNoise } from './noise-schedule.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';

export class EulerAncestralDiscreteScheduler implements Scheduler {
  readonly className = 'EulerAncestralDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly config: NoiseConfig;
  private readonly index = new StepIndex(this.className);

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: true,
      spacing: 'linspace',
      // Predicting x0 directly is not implemented by this scheduler in diffusers either.
      predictions: ['epsilon', 'v_prediction'],
    });
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas } = kSchedule(this.config, steps);
    this.timesteps = Float32Array.from(timesteps);
    this.sigmas = Float32Array.from([...sigmas, 0]);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.config.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const next = this.sigmas[i + 1];
    // Split the move to `next` into a deterministic part (down to sigmaDown) and fresh noise (sigmaUp).
    const sigmaUp = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(Math.max(0, next * next - sigmaUp * sigmaUp));
    const dt = sigmaDown - sigma;
    const noise = drawNoise(this.className, rng, sample.length);
    const out = new Float32Array(sample.length);
    if (this.config.prediction === 'epsilon') {
      // The same arithmetic as the general loop below, with x0 kept in a local instead of an array
      // (a float64 array holds the double exactly): a third of the step's time, same values.
      for (let k = 0; k < out.length; k++) {
        const x = sample[k];
        const original = x - sigma * modelOutput[k];
        out[k] = x + ((x - original) / sigma) * dt + noise[k] * sigmaUp;
      }
    } else {
      const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, sigma);
      for (let k = 0; k < out.length; k++) {
        const derivative = (sample[k] - original[k]) / sigma;
        out[k] = sample[k] + derivative * dt + noise[k] * sigmaUp;
      }
    }
    this.index.advance();
    return out;
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
