// DPM-Solver-2 in k-diffusion's form (Karras et al. 2022, "DPM2"): an Euler half step to the geometric
// mean of two sigmas, a second model call there, and the whole step taken with that midpoint slope.
// Each entry of `timesteps` is one model call; the last step is Euler alone.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addSigmaNoise, checkStep, StepIndex, scaleBySigma, sigmaSpaceOriginal } from './denoising-step.ts';
import { interleaveTail, kSchedule, sigmaInitNoise, sigmaToTimestep } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export class KDPM2DiscreteScheduler implements Scheduler {
  readonly className = 'KDPM2DiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private sigmasInterpol: Float32Array = new Float32Array(0);
  private readonly config: NoiseConfig;
  private readonly index = new StepIndex(this.className);
  /** The sample at the start of a step, kept between its two model calls. */
  private start: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: false,
      spacing: 'linspace',
      // diffusers has no x0-predicting variant of this scheduler either.
      predictions: ['epsilon', 'v_prediction'],
      sigmaSpacings: 'karras-exponential',
    });
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas: base } = kSchedule(this.config, steps, { roundKarras: true });
    const sigmas = Float32Array.from([...base, 0]);
    // Geometric mean of each sigma and the one before it (zero at both ends, where a log is -inf).
    const interpol = Array.from(sigmas, (s, i) => (i === 0 ? 0 : Math.sqrt(s * sigmas[i - 1])));
    const interpolT = interpol.map((s) => sigmaToTimestep(s, this.config.logSigmas));
    this.sigmas = Float32Array.from(interleaveTail(Array.from(sigmas)));
    this.sigmasInterpol = Float32Array.from(interleaveTail(interpol));
    const ts = [timesteps[0]];
    for (let k = 1; k < timesteps.length; k++) ts.push(interpolT[k], timesteps[k]);
    this.timesteps = Float32Array.from(ts);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.config.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.start = undefined;
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const i = this.index.resolve(this.timesteps, t);
    return scaleBySigma(sample, this.start === undefined ? this.sigmas[i] : this.sigmasInterpol[i]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const out = new Float32Array(sample.length);
    if (this.start === undefined) {
      const sigma = this.sigmas[i];
      const dt = this.sigmasInterpol[i + 1] - sigma;
      const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, sigma);
      for (let k = 0; k < out.length; k++) out[k] = sample[k] + ((sample[k] - original[k]) / sigma) * dt;
      this.start = sample;
    } else {
      const sigma = this.sigmas[i - 1];
      const interpol = this.sigmasInterpol[i];
      const dt = this.sigmas[i] - sigma;
      const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, interpol);
      const start = this.start;
      this.start = undefined;
      for (let k = 0; k < out.length; k++) out[k] = start[k] + ((sample[k] - original[k]) / interpol) * dt;
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
