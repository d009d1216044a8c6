// DPM-Solver-2 in k-diffusion's form (Karras et al. 2022, "DPM2"): an Euler half step to the geometric
// mean of two sigmas, a second model call there, and the whole step taken with that midpoint slope.
// Each entry of `timesteps` is one model call; the last step is Euler alone.
import { ConfigReader } from './config-reader.ts';
import { interleaveTail, type KScheduleOptions, kSchedule } from './k-schedule.ts';
import { sigmaSpaceOriginal } from './prediction.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { sigmaInitNoise, sigmaToTimestep } from './sigma-schedule.ts';
import { scaleBySigma, sigmaIndexForNoising, sigmaSpaceAddNoise } from './sigma-space.ts';
import { sigmaSpacingFromConfig, trainSigmasFromConfig } from './sigma-space-config.ts';
import { requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import { checkStepCount, TIMESTEP_SPACINGS } from './timestep-spacing.ts';

export class KDPM2DiscreteScheduler implements Scheduler {
  readonly className = 'KDPM2DiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private sigmasInterpol: Float32Array = new Float32Array(0);
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
    // Geometric mean of each sigma and the one before it (zero at both ends, where a log is -inf).
    const interpol = Array.from(sigmas, (s, i) => (i === 0 ? 0 : Math.sqrt(s * sigmas[i - 1])));
    const interpolT = interpol.map((s) => sigmaToTimestep(s, this.schedule.logSigmas));
    this.sigmas = Float32Array.from(interleaveTail(Array.from(sigmas)));
    this.sigmasInterpol = Float32Array.from(interleaveTail(interpol));
    const ts = [timesteps[0]];
    for (let k = 1; k < timesteps.length; k++) ts.push(interpolT[k], timesteps[k]);
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
    return scaleBySigma(sample, this.start === undefined ? this.sigmas[i] : this.sigmasInterpol[i]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const out = new Float32Array(sample.length);
    if (this.start === undefined) {
      const sigma = this.sigmas[i];
      const dt = this.sigmasInterpol[i + 1] - sigma;
      const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, sigma);
      for (let k = 0; k < out.length; k++) out[k] = sample[k] + ((sample[k] - original[k]) / sigma) * dt;
      this.start = sample;
    } else {
      const sigma = this.sigmas[i - 1];
      const interpol = this.sigmasInterpol[i];
      const dt = this.sigmas[i] - sigma;
      const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, interpol);
      const start = this.start;
      this.start = undefined;
      for (let k = 0; k < out.length; k++) out[k] = start[k] + ((sample[k] - original[k]) / interpol) * dt;
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
