// Euler ancestral (k-diffusion's sample_euler_ancestral): an Euler step down to a lower sigma, then fresh
// noise added back up to the next sigma. Draws noise every step, so results depend on the generator.
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
import { interpIndex } from './numpy-ranges.ts';
import { type PredictionType, sigmaSpaceOriginal } from './prediction.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';
import { sigmaInitNoise, trainingSigmas } from './sigma-schedule.ts';
import { scaleBySigma, sigmaIndexForNoising, sigmaSpaceAddNoise } from './sigma-space.ts';
import { drawNoise, requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import {
  checkStepCount,
  spacedTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timestep-spacing.ts';

export class EulerAncestralDiscreteScheduler implements Scheduler {
  readonly className = 'EulerAncestralDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly trainSigmas: Float32Array;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly index = new StepIndex();

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const zeroSnr = r.bool('rescale_betas_zero_snr', false);
    let betas = betasFromConfig(r);
    if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
    const abar = alphasCumprod(betas);
    // Zero terminal SNR would make the last sigma infinite; keep it large but finite.
    if (zeroSnr) abar[abar.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(abar);
    this.numTrain = abar.length;
    this.stepsOffset = r.integer('steps_offset', 0);
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace');
    // Predicting x0 directly is not implemented by this scheduler in diffusers either.
    this.prediction = r.choice('prediction_type', ['epsilon', 'v_prediction'], 'epsilon');
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    this.timesteps = spacedTimesteps(this.spacing, this.numTrain, steps, this.stepsOffset, false);
    const sigmas = Array.from(this.timesteps, (t) => interpIndex(t, this.trainSigmas));
    this.sigmas = Float32Array.from([...sigmas, 0]);
    this.initNoiseSigma = sigmaInitNoise(this.sigmas, this.spacing);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    requireSchedule(this.className, this.timesteps);
    return scaleBySigma(sample, this.sigmas[this.index.resolve(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const next = this.sigmas[i + 1];
    const original = sigmaSpaceOriginal(this.prediction, modelOutput, sample, sigma);
    // Split the move to `next` into a deterministic part (down to sigmaDown) and fresh noise (sigmaUp).
    const sigmaUp = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(Math.max(0, next * next - sigmaUp * sigmaUp));
    const dt = sigmaDown - sigma;
    const noise = drawNoise(this.className, rng, sample.length);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const derivative = (sample[k] - original[k]) / sigma;
      out[k] = sample[k] + derivative * dt + noise[k] * sigmaUp;
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
