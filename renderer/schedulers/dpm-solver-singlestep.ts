// DPM-Solver++ singlestep (Lu et al. 2022b, "DPM++ 2S"): steps come in groups of `solver_order`; the
// first of a group is a first-order step from the group's start, and the next one goes from that same
// start again, with the intermediate model output as a finite-difference correction.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addAlphaNoise, alphaSigma, alphaSpaceOriginal, checkStep, StepIndex } from './denoising-step.ts';
import { lastTimestepAbove, solverSchedule } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export class DPMSolverSinglestepScheduler implements Scheduler {
  readonly className = 'DPMSolverSinglestepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly lastTimestep: number;
  private readonly solverOrder: 1 | 2;
  /** dpmsolver++ solves for the clean sample x0; dpmsolver for the noise. */
  private readonly dataPrediction: boolean;
  private readonly heun: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly index = new StepIndex(this.className, 'second-or-last');
  private orders: number[] = [];
  /** Converted model outputs of the current group, newest last (undefined before a run's first). */
  private outputs: (Float64Array | undefined)[] = [];
  /** The sample a group starts from. */
  private groupStart: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    // Like diffusers, this scheduler always spaces linearly and has no steps_offset.
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: false,
      thresholding: true,
      sigmaSpacings: 'karras',
    });
    const r = this.config.reader;
    const order = r.integer('solver_order', 2, 1);
    if (order > 2) r.fail('solver_order', order, 'supported: 1, 2');
    this.solverOrder = order as 1 | 2;
    const algorithm = r.choice('algorithm_type', ['dpmsolver++', 'dpmsolver'], 'dpmsolver++');
    this.dataPrediction = algorithm === 'dpmsolver++';
    this.heun = r.choice('solver_type', ['midpoint', 'heun'], 'midpoint') === 'heun';
    this.lowerOrderFinal = r.bool('lower_order_final', false);
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
    r.requireUnset('variance_type', 'learned variances are for pixel-space models');
    const lambdaMin = r.number('lambda_min_clipped', Number.NEGATIVE_INFINITY);
    this.lastTimestep = lastTimestepAbove(this.config.alphasCumprod, lambdaMin);
  }

  setTimesteps(steps: number): void {
    if (this.lastTimestep < 1) throw new Error(`${this.className}: lambda_min_clipped leaves no timesteps`);
    const { timesteps, sigmas } = solverSchedule(this.config, steps, this.lastTimestep);
    // Unlike the multistep solver, a Karras run that does not end at zero ends at the training minimum.
    this.timesteps = timesteps;
    this.sigmas = Float32Array.from([...sigmas, this.finalSigmaZero ? 0 : this.config.trainSigmas[0]]);
    this.orders = orderList(
      steps,
      this.solverOrder,
      // diffusers turns lower_order_final on for an uneven step count or a final sigma of zero.
      this.lowerOrderFinal || steps % this.solverOrder !== 0 || this.finalSigmaZero,
      this.finalSigmaZero,
    );
    this.reset();
  }

  setBeginIndex(index: number): void {
    this.index.setBegin(index);
  }

  reset(): void {
    this.index.reset();
    this.outputs = Array.from({ length: this.solverOrder }, () => undefined);
    this.groupStart = undefined;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const sigma = this.sigmas[i];
    const converted = alphaSpaceOriginal(
      this.config.prediction,
      modelOutput,
      sample,
      1 / (sigma * sigma + 1),
    );
    this.outputs.push(this.dataPrediction ? converted.original : converted.noise);
    this.outputs.shift();
    let order = this.orders[i];
    // A run that starts mid-schedule (img2img) has no earlier output for a second-order step.
    while (this.outputs[this.outputs.length - order] === undefined) order--;
    if (order === 1) this.groupStart = sample;
    const start = this.groupStart ?? sample;
    const out = order === 1 ? this.firstOrderUpdate(i, start) : this.secondOrderUpdate(i, start);
    this.index.advance();
    return out;
  }

  private firstOrderUpdate(i: number, sample: Float32Array): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s.lambda;
    const m0 = this.outputs[this.outputs.length - 1] as Float64Array;
    const [sampleCoeff, m0Coeff] = this.dataPrediction
      ? [t.sigmaT / s.sigmaT, -t.alpha * Math.expm1(-h)]
      : [t.alpha / s.alpha, -t.sigmaT * Math.expm1(h)];
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) out[k] = sampleCoeff * sample[k] + m0Coeff * m0[k];
    return out;
  }

  /** From the group's start at sigmas[i-1] to sigmas[i+1], corrected by the output at sigmas[i]. */
  private secondOrderUpdate(i: number, sample: Float32Array): Float32Array {
    const s0 = alphaSigma(this.sigmas[i]);
    const s1 = alphaSigma(this.sigmas[i - 1]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = t.lambda - s1.lambda;
    const r0 = (s0.lambda - s1.lambda) / h;
    const m0 = this.outputs[this.outputs.length - 1] as Float64Array;
    const m1 = this.outputs[this.outputs.length - 2] as Float64Array;
    let sampleCoeff: number;
    let d0Coeff: number;
    let d1Coeff: number;
    if (this.dataPrediction) {
      const phi = Math.expm1(-h);
      sampleCoeff = t.sigmaT / s1.sigmaT;
      d0Coeff = -t.alpha * phi;
      d1Coeff = this.heun ? t.alpha * (phi / h + 1) : -0.5 * t.alpha * phi;
    } else {
      const phi = Math.expm1(h);
      sampleCoeff = t.alpha / s1.alpha;
      d0Coeff = -t.sigmaT * phi;
      d1Coeff = this.heun ? -t.sigmaT * (phi / h - 1) : -0.5 * t.sigmaT * phi;
    }
    const out = new Float32Array(sample.length);
    for (let k = 0; k < out.length; k++) {
      const d1 = (m0[k] - m1[k]) / r0;
      out[k] = sampleCoeff * sample[k] + d0Coeff * m1[k] + d1Coeff * d1;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.index.forNoising(this.timesteps, t)];
    return addAlphaNoise(this.className, original, noise, 1 / (sigma * sigma + 1));
  }
}

/** diffusers' `get_order_list`: the order of each step, in groups of [1, 2]. */
function orderList(steps: number, order: 1 | 2, lowerOrderFinal: boolean, finalSigmaZero: boolean): number[] {
  let orders: number[];
  if (order === 1) orders = Array(steps).fill(1);
  else if (!lowerOrderFinal)
    orders = Array.from({ length: 2 * Math.floor(steps / 2) }, (_, i) => 1 + (i % 2));
  else if (steps % 2 === 0) {
    orders = [...Array.from({ length: steps - 2 }, (_, i) => 1 + (i % 2)), 1, 1];
  } else {
    orders = [...Array.from({ length: steps - 1 }, (_, i) => 1 + (i % 2)), 1];
  }
  if (finalSigmaZero) orders[orders.length - 1] = 1;
  return orders;
}
