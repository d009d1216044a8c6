// DPM2 ancestral (k-diffusion's sample_dpm_2_ancestral): DPM2's midpoint step, but only down to the
// ancestral sigma_down, then fresh noise of size sigma_up, drawn on the second model call of each step
// only, as diffusers draws it (so a seed gives diffusers' picture). The last step is Euler alone.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addSigmaNoise,
  checkStep,
  drawNoise,
  StepIndex,
  scaleBySigma,
  sigmaSpaceOriginal,
} from './denoising-step.ts';
import { interleaveTail, kSchedule, sigmaInitNoise, sigmaToTimestep } from './noise-schedule.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';

export class KDPM2AncestralDiscreteScheduler implements Scheduler {
  readonly className = 'KDPM2AncestralDiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private sigmasInterpol: Float32Array = new Float32Array(0);
  private sigmasUp: Float32Array = new Float32Array(0);
  private sigmasDown: Float32Array = new Float32Array(0);
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
    const n = sigmas.length;
    const up = new Float32Array(n);
    const down = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = sigmas[i];
      const next = i + 1 < n ? sigmas[i + 1] : 0;
      up[i] = Math.sqrt((next * next * (s * s - next * next)) / (s * s));
      down[i] = i === n - 1 ? 0 : Math.sqrt(next * next - up[i] * up[i]);
    }
    // Geometric mean of each sigma and its sigma_down; the last two are zero.
    const interpol = Array.from(sigmas, (s, i) => (i >= n - 2 ? 0 : Math.sqrt(s * down[i])));
    const interpolT = interpol.map((s) => sigmaToTimestep(s, this.config.logSigmas));
    this.sigmas = Float32Array.from(interleaveTail(Array.from(sigmas)));
    this.sigmasInterpol = Float32Array.from(interleaveTail(interpol));
    this.sigmasUp = Float32Array.from(interleaveTail(Array.from(up)));
    this.sigmasDown = Float32Array.from(interleaveTail(Array.from(down)));
    const ts = [timesteps[0]];
    for (let k = 1; k < timesteps.length; k++) ts.push(interpolT[k - 1], timesteps[k]);
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
    return scaleBySigma(sample, this.start === undefined ? this.sigmas[i] : this.sigmasInterpol[i - 1]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const out = new Float32Array(sample.length);
    if (this.start === undefined) {
      const sigma = this.sigmas[i];
      const dt = this.sigmasInterpol[i] - sigma;
      const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, sigma);
      for (let k = 0; k < out.length; k++) out[k] = sample[k] + ((sample[k] - original[k]) / sigma) * dt;
      this.start = sample;
    } else {
      const sigma = this.sigmas[i - 1];
      const interpol = this.sigmasInterpol[i - 1];
      const up = this.sigmasUp[i - 1];
      const dt = this.sigmasDown[i - 1] - sigma;
      const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, interpol);
      const start = this.start;
      this.start = undefined;
      const noise = drawNoise(this.className, rng, sample.length);
      for (let k = 0; k < out.length; k++) {
        out[k] = start[k] + ((sample[k] - original[k]) / interpol) * dt + noise[k] * up;
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
