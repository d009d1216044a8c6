// DPM2 ancestral (k-diffusion's sample_dpm_2_ancestral): DPM2's midpoint step, but only down to the
// ancestral sigma_down, then fresh noise of size sigma_up, drawn on the second model call of each step
// only, as diffusers draws it (so a seed gives diffusers' picture). The last step is Euler alone.
import { ConfigReader } from './config-reader.ts';
import { interleaveTail, type KScheduleOptions, kSchedule } from './k-schedule.ts';
import { sigmaSpaceOriginal } from './prediction.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';
import { sigmaInitNoise, sigmaToTimestep } from './sigma-schedule.ts';
import { scaleBySigma, sigmaIndexForNoising, sigmaSpaceAddNoise } from './sigma-space.ts';
import { sigmaSpacingFromConfig, trainSigmasFromConfig } from './sigma-space-config.ts';
import { drawNoise, requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import { checkStepCount, TIMESTEP_SPACINGS } from './timestep-spacing.ts';

export class KDPM2AncestralDiscreteScheduler implements Scheduler {
  readonly className = 'KDPM2AncestralDiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private sigmasInterpol: Float32Array = new Float32Array(0);
  private sigmasUp: Float32Array = new Float32Array(0);
  private sigmasDown: Float32Array = new Float32Array(0);
  private readonly schedule: KScheduleOptions;
  private readonly prediction: 'epsilon' | 'v_prediction';
  private readonly index = new StepIndex();
  /** The sample at the start of a step, kept between its two model calls. */
  private start: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const { trainSigmas, logSigmas } = trainSigmasFromConfig(r, false);
    this.schedule = {
      spacing: r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace'),
      stepsOffset: r.integer('steps_offset', 0),
      trainSigmas,
      logSigmas,
      sigmaSpacing: sigmaSpacingFromConfig(r),
      roundKarras: true,
    };
    // diffusers has no x0-predicting variant of this scheduler either.
    this.prediction = r.choice('prediction_type', ['epsilon', 'v_prediction'], 'epsilon');
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.schedule.trainSigmas.length);
    const { timesteps, sigmas: base } = kSchedule(this.schedule, steps);
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
    const interpolT = interpol.map((s) => sigmaToTimestep(s, this.schedule.logSigmas));
    this.sigmas = Float32Array.from(interleaveTail(Array.from(sigmas)));
    this.sigmasInterpol = Float32Array.from(interleaveTail(interpol));
    this.sigmasUp = Float32Array.from(interleaveTail(Array.from(up)));
    this.sigmasDown = Float32Array.from(interleaveTail(Array.from(down)));
    const ts = [timesteps[0]];
    for (let k = 1; k < timesteps.length; k++) ts.push(interpolT[k - 1], timesteps[k]);
    this.timesteps = Float32Array.from(ts);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.schedule.spacing);
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
    requireSchedule(this.className, this.timesteps);
    const i = this.index.resolve(this.timesteps, t);
    return scaleBySigma(sample, this.start === undefined ? this.sigmas[i] : this.sigmasInterpol[i - 1]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const out = new Float32Array(sample.length);
    if (this.start === undefined) {
      const sigma = this.sigmas[i];
      const dt = this.sigmasInterpol[i] - sigma;
      const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, sigma);
      for (let k = 0; k < out.length; k++) out[k] = sample[k] + ((sample[k] - original[k]) / sigma) * dt;
      this.start = sample;
    } else {
      const sigma = this.sigmas[i - 1];
      const interpol = this.sigmasInterpol[i - 1];
      const up = this.sigmasUp[i - 1];
      const dt = this.sigmasDown[i - 1] - sigma;
      const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, interpol);
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
    requireSameLength(this.className, original, noise, 'noise');
    const i = sigmaIndexForNoising(
      () => this.index.lookup(this.timesteps, t),
      this.index.value,
      this.index.beginIndex,
    );
    return sigmaSpaceAddNoise(original, noise, this.sigmas[i]);
  }
}
