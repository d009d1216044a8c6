// Heun (Karras et al. 2022, algorithm 1 without churn): an Euler step, then a second model call at the
// point it reached, and the step redone with the mean of both slopes. The schedule lists every inner
// timestep twice, so each entry of `timesteps` is one model call; the last step is Euler alone.
import { ConfigReader } from './config-reader.ts';
import { interleaveInner, type KScheduleOptions, kSchedule } from './k-schedule.ts';
import { clipOriginal, PREDICTION_TYPES, type PredictionType, sigmaSpaceOriginal } from './prediction.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { sigmaInitNoise } from './sigma-schedule.ts';
import { scaleBySigma, sigmaIndexForNoising, sigmaSpaceAddNoise } from './sigma-space.ts';
import { sigmaSpacingFromConfig, trainSigmasFromConfig } from './sigma-space-config.ts';
import { requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import { checkStepCount, TIMESTEP_SPACINGS } from './timestep-spacing.ts';

export class HeunDiscreteScheduler implements Scheduler {
  readonly className = 'HeunDiscreteScheduler';
  readonly order = 2;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly schedule: KScheduleOptions;
  private readonly prediction: PredictionType;
  private readonly clipRange: number | undefined;
  private readonly index = new StepIndex();
  /** Set between the Euler half of a step and its correction. */
  private pending: { derivative: Float64Array; dt: number; sample: Float32Array } | undefined;

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const { trainSigmas, logSigmas } = trainSigmasFromConfig(r, false);
    this.schedule = {
      spacing: r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace'),
      stepsOffset: r.integer('steps_offset', 0),
      trainSigmas,
      logSigmas,
      sigmaSpacing: sigmaSpacingFromConfig(r),
      roundKarras: false,
    };
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.clipRange = r.bool('clip_sample', false) ? r.number('clip_sample_range', 1) : undefined;
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.schedule.trainSigmas.length);
    const { timesteps, sigmas } = kSchedule(this.schedule, steps);
    this.sigmas = Float32Array.from(interleaveInner([...sigmas, 0]));
    this.timesteps = Float32Array.from([timesteps[0], ...timesteps.slice(1).flatMap((t) => [t, t])]);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.schedule.spacing);
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
    requireSchedule(this.className, this.timesteps);
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const first = this.pending === undefined;
    const sigma = first ? this.sigmas[i] : this.sigmas[i - 1];
    const next = first ? this.sigmas[i + 1] : this.sigmas[i];
    // The model saw the sample at `sigma` on the Euler half and at `next` on the correction.
    const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, first ? sigma : next);
    if (this.clipRange !== undefined) clipOriginal(original, this.clipRange);
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
    requireSameLength(this.className, original, noise, 'noise');
    const i = sigmaIndexForNoising(
      () => this.index.lookup(this.timesteps, t),
      this.index.value,
      this.index.beginIndex,
    );
    return sigmaSpaceAddNoise(original, noise, this.sigmas[i]);
  }
}
