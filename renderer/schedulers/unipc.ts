// UniPC multistep (Zhao et al. 2023): a predictor (UniP) of order up to `solver_order` from past model
// outputs, and a corrector (UniC) that refines the previous step's result once the model has been
// evaluated there, at no extra model call. B(h) is bh1 (h) or bh2 (e^h - 1).
import { type NoiseConfig, readNoiseConfig } from './config-reader.ts';
import {
  type AlphaSigma,
  addAlphaNoise,
  alphaSigma,
  alphaSpaceOriginal,
  checkStep,
  requireSameLength,
  StepIndex,
} from './denoising-step.ts';
import { solverSchedule } from './noise-schedule.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export class UniPCMultistepScheduler implements Scheduler {
  readonly className = 'UniPCMultistepScheduler';
  readonly order = 1;
  readonly initNoiseSigma = 1;
  timesteps: Float32Array = new Float32Array(0);
  sigmas: Float32Array = new Float32Array(0);

  private readonly config: NoiseConfig;
  private readonly solverOrder: number;
  /** Solve for the clean sample x0 (the default) rather than the noise. */
  private readonly predictX0: boolean;
  private readonly bh2: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly disableCorrector: readonly number[];
  private readonly finalSigmaZero: boolean;
  private readonly sigmaMin: number | undefined;
  private readonly sigmaMax: number | undefined;
  private readonly index = new StepIndex(this.className, 'second-or-last');
  /** Converted model outputs of past steps, newest last. */
  private outputs: Float64Array[] = [];
  private lowerOrderNums = 0;
  /** The sample the last predictor started from, and its order: what the next corrector refines. */
  private last: { sample: Float32Array; order: number } | undefined;

  constructor(config: SchedulerConfig) {
    this.config = readNoiseConfig(this.className, config, {
      space: 'sigma',
      zeroSnr: true,
      spacing: 'linspace',
      thresholding: true,
      sigmaSpacings: 'karras',
    });
    const r = this.config.reader;
    this.solverOrder = r.integer('solver_order', 2, 1);
    this.predictX0 = r.bool('predict_x0', true);
    // diffusers replaces the other solvers' type names by bh2.
    const solverType = r.choice('solver_type', ['bh1', 'bh2', 'midpoint', 'heun', 'logrho'], 'bh2');
    this.bh2 = solverType !== 'bh1';
    this.lowerOrderFinal = r.bool('lower_order_final', true);
    const disabled = r.optionalNumberArray('disable_corrector') ?? [];
    this.disableCorrector = disabled;
    r.requireUnset('solver_p', 'an external predictor scheduler is not supported');
    this.finalSigmaZero = r.choice('final_sigmas_type', ['zero', 'sigma_min'], 'zero') === 'zero';
    this.sigmaMin = r.optionalNumber('sigma_min');
    this.sigmaMax = r.optionalNumber('sigma_max');
    r.requireUnset('shift_terminal', 'terminal shifting is for flow-matching models');
  }

  setTimesteps(steps: number): void {
    const { timesteps, sigmas, smallest } = solverSchedule(this.config, steps, this.config.numTrain, {
      sigmaMin: this.sigmaMin,
      sigmaMax: this.sigmaMax,
    });
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
    this.last = undefined;
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
    const output = this.predictX0 ? converted.original : converted.noise;

    let current = sample;
    if (i > 0 && this.last !== undefined && !this.disableCorrector.includes(i - 1)) {
      current = this.correct(i, output, this.last.sample, sample, this.last.order);
    }
    this.outputs.push(output);
    if (this.outputs.length > this.solverOrder) this.outputs.shift();

    const n = this.timesteps.length;
    const wanted = this.lowerOrderFinal ? Math.min(this.solverOrder, n - i) : this.solverOrder;
    const order = Math.min(wanted, this.lowerOrderNums + 1);
    this.last = { sample: current, order };
    const out = this.predict(i, current, order);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.index.advance();
    return out;
  }

  /** h, phi_1 and B(h) of the step from s0 to t, and the weights b of the order conditions. */
  private stepTerms(s0: AlphaSigma, t: AlphaSigma, order: number) {
    const h = t.lambda - s0.lambda;
    const hh = this.predictX0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    const bH = this.bh2 ? Math.expm1(hh) : hh;
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const b: number[] = [];
    for (let k = 1; k <= order; k++) {
      b.push((hPhiK * factorial) / bH);
      factorial *= k + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return { h, hPhi1, bH, b };
  }

  /** Order conditions R[k][j] = r_j^k, with r = the ratios then 1. */
  private static orderMatrix(ratios: number[], order: number): number[][] {
    const rks = [...ratios, 1];
    return Array.from({ length: order }, (_, k) => rks.map((r) => r ** k));
  }

  /** UniP: from sigmas[i] to sigmas[i+1]. */
  private predict(i: number, x: Float32Array, order: number): Float32Array {
    const s0 = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const { h, hPhi1, bH, b } = this.stepTerms(s0, t, order);
    const m0 = this.outputs[this.outputs.length - 1];
    const ratios: number[] = [];
    const diffs: Float64Array[] = [];
    for (let j = 1; j < order; j++) {
      const si = alphaSigma(this.sigmas[i - j]);
      const rk = (si.lambda - s0.lambda) / h;
      const mi = this.outputs[this.outputs.length - 1 - j];
      ratios.push(rk);
      diffs.push(scaledDifference(mi, m0, rk));
    }
    let rhos: number[] = [];
    if (diffs.length > 0) {
      if (order === 2) rhos = [0.5];
      else {
        const R = UniPCMultistepScheduler.orderMatrix(ratios, order);
        rhos = solveLinear(
          R.slice(0, -1).map((row) => row.slice(0, -1)),
          b.slice(0, -1),
        );
      }
    }
    return this.combine(s0, t, hPhi1, bH, x, m0, diffs, rhos, undefined);
  }

  /** UniC: redoes the step from sigmas[i-1] to sigmas[i] with the model output now known at sigmas[i]. */
  private correct(
    i: number,
    modelT: Float64Array,
    lastSample: Float32Array,
    thisSample: Float32Array,
    order: number,
  ): Float32Array {
    requireSameLength(this.className, thisSample, lastSample, 'previous sample');
    const s0 = alphaSigma(this.sigmas[i - 1]);
    const t = alphaSigma(this.sigmas[i]);
    const { h, hPhi1, bH, b } = this.stepTerms(s0, t, order);
    const m0 = this.outputs[this.outputs.length - 1];
    const ratios: number[] = [];
    const diffs: Float64Array[] = [];
    for (let j = 1; j < order; j++) {
      const si = alphaSigma(this.sigmas[i - (j + 1)]);
      const rk = (si.lambda - s0.lambda) / h;
      const mi = this.outputs[this.outputs.length - 1 - j];
      ratios.push(rk);
      diffs.push(scaledDifference(mi, m0, rk));
    }
    const rhos = order === 1 ? [0.5] : solveLinear(UniPCMultistepScheduler.orderMatrix(ratios, order), b);
    const dt = scaledDifference(modelT, m0, 1);
    return this.combine(s0, t, hPhi1, bH, lastSample, m0, diffs, rhos.slice(0, -1), {
      weight: rhos[rhos.length - 1],
      diff: dt,
    });
  }

  private combine(
    s0: AlphaSigma,
    t: AlphaSigma,
    hPhi1: number,
    bH: number,
    x: Float32Array,
    m0: Float64Array,
    diffs: Float64Array[],
    rhos: number[],
    corrector: { weight: number; diff: Float64Array } | undefined,
  ): Float32Array {
    const [sampleCoeff, m0Coeff, resCoeff] = this.predictX0
      ? [t.sigmaT / s0.sigmaT, -t.alpha * hPhi1, -t.alpha * bH]
      : [t.alpha / s0.alpha, -t.sigmaT * hPhi1, -t.sigmaT * bH];
    const out = new Float32Array(x.length);
    for (let k = 0; k < out.length; k++) {
      let res = 0;
      for (let j = 0; j < diffs.length; j++) res += rhos[j] * diffs[j][k];
      if (corrector) res += corrector.weight * corrector.diff[k];
      out[k] = sampleCoeff * x[k] + m0Coeff * m0[k] + resCoeff * res;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const sigma = this.sigmas[this.index.forNoising(this.timesteps, t)];
    return addAlphaNoise(this.className, original, noise, 1 / (sigma * sigma + 1));
  }
}

/** (a - b) / r, elementwise. */
function scaledDifference(a: Float64Array, b: Float64Array, r: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < out.length; k++) out[k] = (a[k] - b[k]) / r;
  return out;
}

// A small dense linear solve (Gaussian elimination with partial pivoting), for UniPC's order conditions.

function solveLinear(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => {
    if (row.length !== n) throw new Error(`solveLinear: row ${i} has ${row.length} values, expected ${n}`);
    return [...row, rhs[i]];
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (a[pivot][col] === 0) throw new Error('solveLinear: the matrix is singular');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r][n];
    for (let c = r + 1; c < n; c++) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}
