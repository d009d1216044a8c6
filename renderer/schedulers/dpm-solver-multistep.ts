// DPM-Solver (Lu et al. 2022) and DPM-Solver++ (Lu et al. 2022b) multistep: exponential integrators of
// order 1-3 in log-SNR (lambda) that reuse the previous steps' model outputs. With algorithm dpmsolver++
// and order 2 this is the "DPM++ 2M" sampler (and "DPM++ 2M Karras" with Karras sigmas); with
// sde-dpmsolver++ it solves the SDE instead and adds fresh noise every step ("DPM++ 2M SDE", "3M SDE").
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  addAlphaNoise,
  alphaSigma,
  alphaSpaceOriginal,
  checkStep,
  drawNoise,
  StepIndex,
} from './denoising-step.ts';
import { lastTimestepAbove, solverSchedule } from './noise-schedule.ts';
import type { NoiseSource, Scheduler, SchedulerConfig } from './scheduler.ts';

/** Below this many steps the last steps drop to lower order, which keeps few-step runs stable. */
const LOWER_ORDER_FINAL_BELOW = 15;

export class DPMSolverMultistepScheduler implements Scheduler {
  readonly className = 'DPMSolverMultistepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly lastTimestep: number;
  private readonly solverOrder: 1 | 2 | 3;
  /** dpmsolver++ and sde-dpmsolver++ solve for the clean sample x0; dpmsolver for the noise. */
  private readonly dataPrediction: boolean;
  /** sde-dpmsolver++: the stochastic solver, which draws noise on every step. */
  private readonly stochastic: boolean;
  private readonly heun: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly eulerAtFinal: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly index = new StepIndex(this.className, 'second-or-last');
  /** Converted model outputs of past steps, newest last. */
  private outputs: Float64Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: true,
      spacing: 'linspace',
      thresholding: true,
      sigmaSpacings: 'karras',
    });
    const r = this.config.reader;
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
    r.requireOff('use_lu_lambdas', 'Lu lambdas are not implemented');
    r.requireUnset('variance_type', 'learned variances are for pixel-space models');
    // lambda_min_clipped cuts off the noisiest training steps (for cosine schedules).
    const lambdaMin = r.number('lambda_min_clipped', Number.NEGATIVE_INFINITY);
    this.lastTimestep = lastTimestepAbove(this.config.alphasCumprod, lambdaMin);
  }

  setTimesteps(steps: number): void {
    if (this.lastTimestep < 1) throw new Error(`${this.className}: lambda_min_clipped leaves no timesteps`);
    const { timesteps, sigmas, smallest } = solverSchedule(this.config, steps, this.lastTimestep);
    this.timesteps = timesteps;
    this.sigmas = Float32Array.from([...sigmas, this.finalSigmaZero ? 0 : smallest]);
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
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const n = this.timesteps.length;
    const fewSteps = this.lowerOrderFinal && n < LOWER_ORDER_FINAL_BELOW;
    const firstOrderNow = i === n - 1 && (this.eulerAtFinal || fewSteps || this.finalSigmaZero);
    const secondOrderNow = i === n - 2 && fewSteps;
    const converted = alphaSpaceOriginal(
      this.config.prediction,
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
    const sigma = this.sigmas[this.index.forNoising(this.timesteps, t)];
    return addAlphaNoise(this.className, original, noise, 1 / (sigma * sigma + 1));
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
