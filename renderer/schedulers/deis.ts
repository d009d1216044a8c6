// DEIS multistep (Zhang & Chen 2022, "Fast Sampling of Diffusion Models with Exponential Integrator"):
// integrates the noise prediction over rho = sigma / alpha with a Lagrange polynomial through the last
// `solver_order` outputs, the integrals taken in log(rho) ("logrho").
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addAlphaNoise, alphaSigma, alphaSpaceOriginal, checkStep, StepIndex } from './denoising-step.ts';
import { solverSchedule } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

/** Below this many steps the last steps drop to lower order, which keeps few-step runs stable. */
const LOWER_ORDER_FINAL_BELOW = 15;

export class DEISMultistepScheduler implements Scheduler {
  readonly className = 'DEISMultistepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly solverOrder: 1 | 2 | 3;
  private readonly lowerOrderFinal: boolean;
  private readonly index = new StepIndex(this.className, 'second-or-last');
  /** Noise predictions of past steps, newest last. */
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
    // diffusers replaces the DPM-Solver names by deis and the other solver types by logrho.
    r.choice('algorithm_type', ['deis', 'dpmsolver', 'dpmsolver++'], 'deis');
    r.choice('solver_type', ['logrho', 'midpoint', 'heun', 'bh1', 'bh2'], 'logrho');
    this.lowerOrderFinal = r.bool('lower_order_final', true);
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas, smallest } = solverSchedule(this.config, steps, this.config.numTrain);
    this.timesteps = timesteps;
    this.sigmas = Float32Array.from([...sigmas, smallest]);
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

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const i = this.index.resolve(this.timesteps, t);
    const n = this.timesteps.length;
    const fewSteps = this.lowerOrderFinal && n < LOWER_ORDER_FINAL_BELOW;
    const sigma = this.sigmas[i];
    this.outputs.push(
      alphaSpaceOriginal(this.config.prediction, modelOutput, sample, 1 / (sigma * sigma + 1)).noise,
    );
    if (this.outputs.length > this.solverOrder) this.outputs.shift();

    let order: number;
    if (this.solverOrder === 1 || this.lowerOrderNums < 1 || (i === n - 1 && fewSteps)) order = 1;
    else if (this.solverOrder === 2 || this.lowerOrderNums < 2 || (i === n - 2 && fewSteps)) order = 2;
    else order = 3;
    const out = this.update(i, sample, order);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.index.advance();
    return out;
  }

  /** x_t = alpha_t (x_s / alpha_s + sum_j c_j m_j), c_j the integral of the j-th Lagrange basis over log rho. */
  private update(i: number, sample: Float32Array, order: number): Float32Array {
    const t = alphaSigma(this.sigmas[i + 1]);
    const s0 = alphaSigma(this.sigmas[i]);
    const out = new Float32Array(sample.length);
    const m = (j: number) => this.outputs[this.outputs.length - 1 - j];
    if (order === 1) {
      const h = t.lambda - s0.lambda;
      const a = t.alpha / s0.alpha;
      const b = -t.sigmaT * Math.expm1(h);
      const m0 = m(0);
      for (let k = 0; k < out.length; k++) out[k] = a * sample[k] + b * m0[k];
      return out;
    }
    const rhoT = t.sigmaT / t.alpha;
    const rhos = Array.from({ length: order }, (_, j) => {
      const s = alphaSigma(this.sigmas[i - j]);
      return s.sigmaT / s.alpha;
    });
    const coeffs = rhos.map((_, j) => {
      const others = rhos.filter((__, l) => l !== j);
      return lagrangeIntegral(rhoT, rhos[j], others) - lagrangeIntegral(rhos[0], rhos[j], others);
    });
    const outputs = coeffs.map((_, j) => m(j));
    for (let k = 0; k < out.length; k++) {
      let acc = sample[k] / s0.alpha;
      for (let j = 0; j < coeffs.length; j++) acc += coeffs[j] * outputs[j][k];
      out[k] = t.alpha * acc;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.index.forNoising(this.timesteps, t)];
    return addAlphaNoise(this.className, original, noise, 1 / (sigma * sigma + 1));
  }
}

/**
 * diffusers' `ind_fn`: an antiderivative in x of the Lagrange basis polynomial (in log x) that is 1 at
 * `b` and 0 at each of `others` (one or two nodes).
 */
function lagrangeIntegral(x: number, b: number, others: number[]): number {
  const lt = Math.log(x);
  const lb = Math.log(b);
  if (others.length === 1) {
    const lc = Math.log(others[0]);
    return (x * (-lc + lt - 1)) / (lb - lc);
  }
  const lc = Math.log(others[0]);
  const ld = Math.log(others[1]);
  const numerator = x * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
  return numerator / ((lb - lc) * (lb - ld));
}
