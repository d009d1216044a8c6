// Euler (Karras et al. 2022, algorithm 2 without churn): one first-order ODE step per model evaluation.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addSigmaNoise, checkStep, StepIndex, scaleBySigma, sigmaSpaceOriginal } from './denoising-step.ts';
import { kSchedule, sigmaInitNoise } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export class EulerDiscreteScheduler implements Scheduler {
  readonly className = 'EulerDiscreteScheduler';
  readonly order = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;

  private readonly config: NoiseConfig;
  private readonly sigmaMin: number | undefined;
  private readonly sigmaMax: number | undefined;
  private readonly continuousTimesteps: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly index = new StepIndex(this.className);

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: true,
      spacing: 'linspace',
      sigmaSpacings: 'karras-exponential',
    });
    const r = this.config.reader;
    r.choice('interpolation_type', ['linear'], 'linear');
    this.sigmaMin = r.optionalNumber('sigma_min');
    this.sigmaMax = r.optionalNumber('sigma_max');
    this.continuousTimesteps =
      r.choice('timestep_type', ['discrete', 'continuous'], 'discrete') === 'continuous';
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas } = kSchedule(this.config, steps, {
      sigmaMin: this.sigmaMin,
      sigmaMax: this.sigmaMax,
    });
    const last = this.finalSigmaZero ? 0 : this.config.trainSigmas[0];
    this.sigmas = Float32Array.from([...sigmas, last]);
    // v-prediction models trained on continuous time (e.g. some upscalers) take 0.25 * log(sigma).
    this.timesteps =
      this.continuousTimesteps && this.config.prediction === 'v_prediction'
        ? Float32Array.from(this.sigmas.subarray(0, steps), (s) => 0.25 * Math.log(s))
        : Float32Array.from(timesteps);
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

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const dt = this.sigmas[i + 1] - sigma;
    const original = sigmaSpaceOriginal(this.config.prediction, modelOutput, sample, sigma);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const derivative = (sample[k] - original[k]) / sigma;
      out[k] = sample[k] + derivative * dt;
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
