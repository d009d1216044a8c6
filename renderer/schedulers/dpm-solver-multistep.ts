// DPM-Solver (Lu et al. 2022) and DPM-Solver++ (Lu et al. 2022b) multistep: exponential integrators of
// order 1-3 in log-SNR (lambda) that reuse the previous steps' model outputs. With algorithm dpmsolver++
// and order 2 this is the "DPM++ 2M" sampler (and "DPM++ 2M Karras" with Karras sigmas); with
// sde-dpmsolver++ it solves the SDE instead and adds fresh noise every step ("DPM++ 2M SDE", "3M SDE").
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import { ConfigReader } from './config-reader.ts';
import { alphaSigma } from './lambda-space.ts';
import { interpIndex, roundHalfEven } from './numpy-ranges.ts';
import {
  alphaSpaceAddNoise,
  alphaSpaceOriginal,
  PREDICTION_TYPES,
  type PredictionType,
} from './prediction.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';
import { karrasSigmas, sigmaToTimestep, trainingSigmas } from './sigma-schedule.ts';
import { sigmaIndexForNoising } from './sigma-space.ts';
import { drawNoise, requireSameLength, requireSchedule } from './step-checks.ts';
import { StepIndex } from './step-index.ts';
import {
  checkStepCount,
  multistepTimesteps,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
} from './timestep-spacing.ts';

/** Below this many steps the last steps drop to lower order, which keeps few-step runs stable. */
const LOWER_ORDER_FINAL_BELOW = 15;

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly className = 'DPMSolverMultistepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly trainSigmas: Float32Array;
  private readonly logSigmas: Float64Array;
  private readonly lastTimestep: number;
  private readonly numTrain: number;
  private readonly stepsOffset: number;
  private readonly spacing: TimestepSpacing;
  private readonly prediction: PredictionType;
  private readonly solverOrder: 1 | 2 | 3;
  /** dpmsolver++ and sde-dpmsolver++ solve for the clean sample x0; dpmsolver for the noise. */
  private readonly dataPrediction: boolean;
  /** sde-dpmsolver++: the stochastic solver, which draws noise on every step. */
  private readonly stochastic: boolean;
  private readonly heun: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly eulerAtFinal: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly karras: boolean;
  private readonly index = new StepIndex('second-or-last');
  /** Converted model outputs of past steps, newest last. */
  private outputs: Float64Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig) {
    const r = new ConfigReader(this.className, config);
    const zeroSnr = r.bool('rescale_betas_zero_snr', false);
    let betas = betasFromConfig(r);
    if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
    const abar = alphasCumprod(betas);
    // Zero terminal SNR would make the last sigma infinite; keep it large but finite.
    if (zeroSnr) abar[abar.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(abar);
    this.logSigmas = Float64Array.from(this.trainSigmas, (s) => Math.fround(Math.log(s)));
    this.numTrain = abar.length;

    const order = r.integer('solver_order', 2, 1);
    if (order > 3) r.fail('solver_order', order, 'supported: 1, 2, 3');
    this.solverOrder = order as 1 | 2 | 3;
    const algorithm = r.choice(
      'algorithm_type',
      ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++'],
      'dpmsolver++',
    );
    this.dataPrediction = algorithm !== 'dpmsolver';
    this.stochastic = algorithm === 'sde-dpmsolver++';
    this.heun = r.choice('solver_type', ['midpoint', 'heun'], 'midpoint') === 'heun';
    this.lowerOrderFinal = r.bool('lower_order_final', true);
    this.eulerAtFinal = r.bool('euler_at_final', false);
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
    if (this.finalSigmaZero && !this.dataPrediction) {
      r.fail('final_sigmas_type', 'zero', 'algorithm_type dpmsolver needs final_sigmas_type sigma_min');
    }
    this.karras = r.bool('use_karras_sigmas', false);
    r.requireOff('use_exponential_sigmas', 'exponential sigmas are not implemented for this scheduler');
    r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
    r.requireOff('use_lu_lambdas', 'Lu lambdas are not implemented');
    r.requireOff('use_flow_sigmas', 'flow-matching sigmas are not implemented');
    r.requireOff('use_dynamic_shifting', 'dynamic shifting is for flow-matching models');
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
    r.requireUnset('variance_type', 'learned variances are for pixel-space models');
    this.prediction = r.choice('prediction_type', PREDICTION_TYPES, 'epsilon');
    this.spacing = r.choice('timestep_spacing', TIMESTEP_SPACINGS, 'linspace');
    this.stepsOffset = r.integer('steps_offset', 0);

    // lambda_min_clipped cuts off the noisiest training steps (for cosine schedules): count the steps
    // whose log-SNR lies below it.
    const lambdaMin = r.number('lambda_min_clipped', Number.NEGATIVE_INFINITY);
    let clipped = 0;
    for (const a of abar) {
      const lambda = Math.fround(
        Math.log(Math.fround(Math.sqrt(a))) - Math.log(Math.fround(Math.sqrt(1 - a))),
      );
      if (lambda < lambdaMin) clipped++;
    }
    this.lastTimestep = this.numTrain - clipped;
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    if (this.lastTimestep < 1) throw new Error(`${this.className}: lambda_min_clipped leaves no timesteps`);
    let timesteps: ArrayLike<number> = multistepTimesteps(
      this.spacing,
      this.numTrain,
      this.lastTimestep,
      steps,
      this.stepsOffset,
    );
    let sigmas: number[];
    let last: number;
    if (this.karras) {
      const karras = karrasSigmas(this.trainSigmas[0], this.trainSigmas[this.numTrain - 1], steps);
      timesteps = Float64Array.from(karras, (s) => roundHalfEven(sigmaToTimestep(s, this.logSigmas)));
      sigmas = Array.from(karras);
      last = this.finalSigmaZero ? 0 : karras[karras.length - 1];
    } else {
      sigmas = Array.from(timesteps, (t) => interpIndex(t, this.trainSigmas));
      last = this.finalSigmaZero ? 0 : this.trainSigmas[0];
    }
    this.timesteps = Float32Array.from(timesteps);
    this.sigmas = Float32Array.from([...sigmas, last]);
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.outputs = [];
    this.lowerOrderNums = 0;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array {
    requireSchedule(this.className, this.timesteps);
    requireSameLength(this.className, sample, modelOutput, 'model output');
    const i = this.index.resolve(this.timesteps, t);
    const n = this.timesteps.length;
    const fewSteps = this.lowerOrderFinal && n < LOWER_ORDER_FINAL_BELOW;
    const firstOrderNow = i === n - 1 && (this.eulerAtFinal || fewSteps || this.finalSigmaZero);
    const secondOrderNow = i === n - 2 && fewSteps;
    const converted = alphaSpaceOriginal(
      this.prediction,
      modelOutput,
      sample,
      1 / (this.sigmas[i] * this.sigmas[i] + 1),
    );
    this.outputs.push(this.dataPrediction ? converted.original : converted.noise);
    if (this.outputs.length > this.solverOrder) this.outputs.shift();

    const noise = this.stochastic ? drawNoise(this.className, rng, sample.length) : undefined;
    let out: Float32Array;
    if (this.solverOrder === 1 || this.lowerOrderNums < 1 || firstOrderNow) {
      out = this.firstOrderUpdate(i, sample, noise);
    } else if (this.solverOrder === 2 || this.lowerOrderNums < 2 || secondOrderNow) {
      out = this.secondOrderUpdate(i, sample, noise);
    } else {
      out = this.thirdOrderUpdate(i, sample, noise);
    }
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.index.advance();
    return out;
  }

  /** DDIM-equivalent step from sigmas[i] to sigmas[i+1] with the newest output. */
  private firstOrderUpdate(i: number, sample: Float32Array, noise?: Float32Array): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s.lambda;
    const d0 = this.outputs[this.outputs.length - 1];
    const out = new Float32Array(sample.length);
    if (noise) {
      const { sampleCoeff, d0Coeff, noiseCoeff } = sdeCoefficients(s, t, h);
      for (let k = 0; k < out.length; k++) {
        out[k] = sampleCoeff * sample[k] + d0Coeff * d0[k] + noiseCoeff * noise[k];
      }
      return out;
    }
    const [sampleCoeff, d0Coeff] = this.dataPrediction
      ? [t.sigmaT / s.sigmaT, -t.alpha * Math.expm1(-h)]
      : [t.alpha / s.alpha, -t.sigmaT * Math.expm1(h)];
    for (let k = 0; k < out.length; k++) out[k] = sampleCoeff * sample[k] + d0Coeff * d0[k];
    return out;
  }

  /** Adds a finite-difference correction from the previous step's output (midpoint or Heun form). */
  private secondOrderUpdate(i: number, sample: Float32Array, noise?: Float32Array): Float32Array {
    const s0 = alphaSigma(this.sigmas[i]);
    const s1 = alphaSigma(this.sigmas[i - 1]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s0.lambda;
    const r0 = (s0.lambda - s1.lambda) / h;
    const m0 = this.outputs[this.outputs.length - 1];
    const m1 = this.outputs[this.outputs.length - 2];
    let sampleCoeff: number;
    let d0Coeff: number;
    let d1Coeff: number;
    let noiseCoeff = 0;
    if (noise) {
      ({ sampleCoeff, d0Coeff, noiseCoeff } = sdeCoefficients(s0, t, h));
      d1Coeff = this.heun ? t.alpha * (-Math.expm1(-2 * h) / (-2 * h) + 1) : 0.5 * d0Coeff;
    } else if (this.dataPrediction) {
      const phi = Math.expm1(-h);
      sampleCoeff = t.sigmaT / s0.sigmaT;
      d0Coeff = -t.alpha * phi;
      d1Coeff = this.heun ? t.alpha * (phi / h + 1) : -0.5 * t.alpha * phi;
    } else {
      const phi = Math.expm1(h);
      sampleCoeff = t.alpha / s0.alpha;
      d0Coeff = -t.sigmaT * phi;
      d1Coeff = this.heun ? -t.sigmaT * (phi / h - 1) : -0.5 * t.sigmaT * phi;
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d1 = (m0[k] - m1[k]) / r0;
      out[k] = sampleCoeff * sample[k] + d0Coeff * m0[k] + d1Coeff * d1;
      if (noise) out[k] += noiseCoeff * noise[k];
    }
    return out;
  }

  /** Third order: two finite differences from the last three outputs. */
  private thirdOrderUpdate(i: number, sample: Float32Array, noise?: Float32Array): Float32Array {
    const s0 = alphaSigma(this.sigmas[i]);
    const s1 = alphaSigma(this.sigmas[i - 1]);
    const s2 = alphaSigma(this.sigmas[i - 2]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s0.lambda;
    const r0 = (s0.lambda - s1.lambda) / h;
    const r1 = (s1.lambda - s2.lambda) / h;
    const m0 = this.outputs[this.outputs.length - 1];
    const m1 = this.outputs[this.outputs.length - 2];
    const m2 = this.outputs[this.outputs.length - 3];
    let sampleCoeff: number;
    let d0Coeff: number;
    let d1Coeff: number;
    let d2Coeff: number;
    let noiseCoeff = 0;
    if (noise) {
      ({ sampleCoeff, d0Coeff, noiseCoeff } = sdeCoefficients(s0, t, h));
      const e = -Math.expm1(-2 * h);
      d1Coeff = t.alpha * (e / (-2 * h) + 1);
      // diffusers' weight, term for term ((1 - e^-2h - 2h) / (2h)^2 - 0.5): not k-diffusion's phi_3 at
      // 2h, whose constant has the other sign; equal pictures to diffusers' are what is asked of it.
      d2Coeff = t.alpha * ((e - 2 * h) / (2 * h) ** 2 - 0.5);
    } else if (this.dataPrediction) {
      const phi = Math.expm1(-h);
      sampleCoeff = t.sigmaT / s0.sigmaT;
      d0Coeff = -t.alpha * phi;
      d1Coeff = t.alpha * (phi / h + 1);
      d2Coeff = -t.alpha * ((phi + h) / (h * h) - 0.5);
    } else {
      const phi = Math.expm1(h);
      sampleCoeff = t.alpha / s0.alpha;
      d0Coeff = -t.sigmaT * phi;
      d1Coeff = -t.sigmaT * (phi / h - 1);
      d2Coeff = -t.sigmaT * ((phi - h) / (h * h) - 0.5);
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d10 = (m0[k] - m1[k]) / r0;
      const d11 = (m1[k] - m2[k]) / r1;
      const d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
      const d2 = (d10 - d11) / (r0 + r1);
      out[k] = sampleCoeff * sample[k] + d0Coeff * m0[k] + d1Coeff * d1 + d2Coeff * d2;
      if (noise) out[k] += noiseCoeff * noise[k];
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    requireSameLength(this.className, original, noise, 'noise');
    const i = sigmaIndexForNoising(
      () => this.index.lookup(this.timesteps, t),
      this.index.value,
      this.index.beginIndex,
    );
    const sigma = this.sigmas[i];
    return alphaSpaceAddNoise(original, noise, 1 / (sigma * sigma + 1));
  }
}

/** The SDE solver's weights of the sample, the newest x0 estimate and the fresh noise, from s to t. */
function sdeCoefficients(
  s: { sigmaT: number },
  t: { alpha: number; sigmaT: number },
  h: number,
): { sampleCoeff: number; d0Coeff: number; noiseCoeff: number } {
  // At the final sigma of zero h is infinite: the step lands exactly on the x0 estimate.
  const decay = Math.exp(-h);
  const e = -Math.expm1(-2 * h);
  return {
    sampleCoeff: t.sigmaT === 0 ? 0 : (t.sigmaT / s.sigmaT) * decay,
    d0Coeff: t.alpha * e,
    noiseCoeff: t.sigmaT * Math.sqrt(e),
  };
}
