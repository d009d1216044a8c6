// Heun (Karras et al. 2022, algorithm 1 without churn): an Euler step, then a second model call at the
// point it reached, and the step redone with the mean of both slopes. The schedule lists every inner
// timestep twice, so each entry of `timesteps` is one model call; the last step is Euler alone.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addSigmaNoise,
  checkStep,
  clipOriginal,
  StepIndex,
  scaleBySigma,
  sigmaSpaceOriginal,
} from './denoising-step.ts';
import { interleaveInner, kSchedule, sigmaInitNoise } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export class HeunDiscreteScheduler implements Scheduler {
  readonly className = 'HeunDiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly config: NoiseConfig;
  private readonly index = new StepIndex(this.className);
  /** Set between the Euler half of a step and its correction. */
  private pending: { derivative: Float64Array; dt: number; sample: Float32Array } | undefined;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: false,
      spacing: 'linspace',
      clipSample: false,
      sigmaSpacings: 'karras-exponential',
    });
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas } = kSchedule(this.config, steps);
    this.sigmas = Float32Array.from(interleaveInner([...sigmas, 0]));
    this.timesteps = Float32Array.from([timesteps[0], ...timesteps.slice(1).flatMap((t) => [t, t])]);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.config.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.pending = undefined;
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const first = this.pending === undefined;
    const sigma = first ? this.sigmas[i] : this.sigmas[i - 1];
    const next = first ? this.sigmas[i + 1] : this.sigmas[i];
    // The model saw the sample at `sigma` on the Euler half and at `next` on the correction.
    const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, first ? sigma : next);
    if (this.config.clipRange !== undefined) clipOriginal(original, this.config.clipRange);
    const out = new Float32Array(sample.length);
    if (this.pending === undefined) {
      const derivative = new Float64Array(sample.length);
      for (let k = 0; k < out.length; k++) derivative[k] = (sample[k] - original[k]) / sigma;
      const dt = next - sigma;
      this.pending = { derivative, dt, sample };
      for (let k = 0; k < out.length; k++) out[k] = sample[k] + derivative[k] * dt;
    } else {
      const { derivative: previous, dt, sample: start } = this.pending;
      this.pending = undefined;
      for (let k = 0; k < out.length; k++) {
        const derivative = ((sample[k] - original[k]) / next + previous[k]) / 2;
        out[k] = start[k] + derivative * dt;
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
