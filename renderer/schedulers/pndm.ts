// PNDM (Liu et al. 2022): pseudo Runge-Kutta warm-up steps, then linear multistep (PLMS) steps that reuse
// the last four model outputs. With `skip_prk_steps` (Stable Diffusion's setting) the warm-up is replaced
// by one extra model evaluation: the second step re-evaluates the first timestep's neighbour.
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import { addNoiseAtTimestep, alphaBarAt, checkStep } from './denoising-step.ts';
import { checkStepCount, spacedTimesteps } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

/** Runge-Kutta needs the last four timesteps of the plain schedule. */
const PNDM_ORDER = 4;

export class PNDMScheduler implements Scheduler {
  readonly className = 'PNDMScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly finalAlphaCumprod: number;
  private readonly numTrain: number;
  private readonly vPrediction: boolean;
  private readonly skipPrk: boolean;
  private steps = 0;
  private prkCount = 0;

  /** Model outputs of past steps, newest last (at most four are used). */
  private ets: Float32Array[] = [];
  private counter = 0;
  /** Running Runge-Kutta combination of the current PRK group's model outputs. */
  private rkSum: Float64Array | undefined;
  /** The sample a PRK group or the first PLMS pair started from. */
  private startSample: Float32Array | undefined;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'alpha',
      zeroSnr: false,
      spacing: 'leading',
      predictions: ['epsilon', 'v_prediction'],
    });
    const r = this.config.reader;
    this.finalAlphaCumprod = r.bool('set_alpha_to_one', false) ? 1 : this.config.alphasCumprod[0];
    this.numTrain = this.config.numTrain;
    this.vPrediction = this.config.prediction === 'v_prediction';
    this.skipPrk = r.bool('skip_prk_steps', false);
  }

  setTimesteps(steps: number): void {
    checkStepCount(this.className, steps, this.numTrain);
    if (!this.skipPrk && steps < PNDM_ORDER) {
      throw new Error(
        `${this.className}: with skip_prk_steps false, steps must be at least ${PNDM_ORDER}, got ${steps}`,
      );
    }
    this.steps = steps;
    // Plain schedule, noisy first: [t_{n-1}, ..., t_0].
    const plain = spacedTimesteps(this.config.spacing, this.numTrain, steps, this.config.stepsOffset, true);
    if (this.skipPrk) {
      // The second-noisiest timestep is visited twice (the warm-up pair of PLMS).
      this.prkCount = 0;
      this.timesteps = Float32Array.from([plain[0], ...plain.subarray(1, 2), ...plain.subarray(1)]);
    } else {
      // Each of the four noisiest intervals gets RK evaluations at its start, midpoint (twice) and end.
      const half = Math.floor(Math.floor(this.numTrain / steps) / 2);
      const prk: number[] = [];
      for (let k = 0; k < PNDM_ORDER - 1; k++) {
        const t = plain[k + 1];
        prk.push(plain[k], t + half, t + half, t);
      }
      this.prkCount = prk.length;
      this.timesteps = Float32Array.from([...prk, ...plain.subarray(PNDM_ORDER - 1)]);
    }
    this.reset();
  }

  reset(): void {
    this.ets = [];
    this.counter = 0;
    this.rkSum = undefined;
    this.startSample = undefined;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    checkStep(this.className, this.timesteps, sample, modelOutput);
    const out =
      this.counter < this.prkCount && !this.skipPrk
        ? this.stepRungeKutta(modelOutput, t, sample)
        : this.stepLinearMultistep(modelOutput, t, sample);
    this.counter++;
    return out;
  }

  private stepRungeKutta(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    const half = Math.floor(Math.floor(this.numTrain / this.steps) / 2);
    const prevT = t - (this.counter % 2 ? 0 : half);
    // All four evaluations of a group step from the group's starting timestep and sample.
    const groupT = this.timesteps[Math.floor(this.counter / 4) * 4];
    const phase = this.counter % 4;
    const sum = phase === 0 ? new Float64Array(sample.length) : this.rkSum!;
    let derivative: ArrayLike<number> = modelOutput;
    if (phase === 0) {
      this.ets.push(modelOutput.slice());
      this.startSample = sample.slice();
    }
    if (phase < 3) {
      const w = phase === 0 ? 1 / 6 : 1 / 3;
      for (let i = 0; i < sum.length; i++) sum[i] += w * modelOutput[i];
      this.rkSum = sum;
    } else {
      for (let i = 0; i < sum.length; i++) sum[i] += (1 / 6) * modelOutput[i];
      derivative = sum;
      this.rkSum = undefined;
    }
    return this.previousSample(this.startSample ?? sample, groupT, prevT, derivative);
  }

  private stepLinearMultistep(modelOutput: Float32Array, t: number, sample: Float32Array): Float32Array {
    if (!this.skipPrk && this.ets.length < 3) {
      throw new Error(`${this.className}: linear multistep steps need the Runge-Kutta warm-up steps first`);
    }
    const stride = Math.floor(this.numTrain / this.steps);
    let fromT = t;
    let prevT = t - stride;
    let base = sample;
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(modelOutput.slice());
    } else {
      // Second half of the warm-up pair: redo the first interval with the averaged slope.
      prevT = t;
      fromT = t + stride;
    }
    const e = this.ets;
    const n = e.length;
    const derivative = new Float64Array(sample.length);
    if (n === 1 && this.counter === 0) {
      derivative.set(modelOutput);
      this.startSample = sample.slice();
    } else if (n === 1 && this.counter === 1) {
      for (let i = 0; i < derivative.length; i++) derivative[i] = (modelOutput[i] + e[0][i]) / 2;
      base = this.startSample ?? sample;
      this.startSample = undefined;
    } else if (n === 2) {
      for (let i = 0; i < derivative.length; i++) derivative[i] = (3 * e[1][i] - e[0][i]) / 2;
    } else if (n === 3) {
      for (let i = 0; i < derivative.length; i++)
        derivative[i] = (23 * e[2][i] - 16 * e[1][i] + 5 * e[0][i]) / 12;
    } else {
      for (let i = 0; i < derivative.length; i++) {
        derivative[i] = (55 * e[n - 1][i] - 59 * e[n - 2][i] + 37 * e[n - 3][i] - 9 * e[n - 4][i]) / 24;
      }
    }
    return this.previousSample(base, fromT, prevT, derivative);
  }

  /** Formula (9) of the PNDM paper: the DDIM-like transfer from timestep t to prevT along `derivative`. */
  private previousSample(
    sample: Float32Array,
    t: number,
    prevT: number,
    derivative: ArrayLike<number>,
  ): Float32Array {
    const abar = alphaBarAt(this.className, this.config.alphasCumprod, t);
    const abarPrev =
      prevT >= 0 ? alphaBarAt(this.className, this.config.alphasCumprod, prevT) : this.finalAlphaCumprod;
    const sampleCoeff = Math.sqrt(abarPrev / abar);
    const denom = abar * Math.sqrt(1 - abarPrev) + Math.sqrt(abar * (1 - abar) * abarPrev);
    const epsCoeff = (abarPrev - abar) / denom;
    const a = Math.sqrt(abar);
    const b = Math.sqrt(1 - abar);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      // v-prediction is turned into a noise prediction first.
      const eps = this.vPrediction ? a * derivative[i] + b * sample[i] : derivative[i];
      out[i] = sampleCoeff * sample[i] - epsCoeff * eps;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(this.className, this.config.alphasCumprod, original, noise, t);
  }
}
