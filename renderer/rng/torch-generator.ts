// Normal draws that reproduce `torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))`
// for float32, call after call on one generator, so a seed gives the same picture as diffusers.
import { type EngineState, Mt19937 } from './mt19937.ts';

const TWO_POW_24 = 2 ** 24;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;
const TWO_PI = 2 * Math.PI;
/** PyTorch switches from per-element double normals to the block Box-Muller at this size. */
const BLOCK = 16;
const HALF_BLOCK = BLOCK / 2;
const MAX_SEED = 2n ** 64n - 1n;
const MIN_SEED = -(2n ** 63n);

/** Everything a generator's next draws depend on, to carry it to another thread and back. */
export interface GeneratorState {
  engine: EngineState;
  nextDoubleNormal: number | undefined;
}

export class TorchGenerator {
  private readonly engine: Mt19937;
  /** The sine half of the last double Box-Muller pair, kept for the next small draw as torch does. */
  private nextDoubleNormal: number | undefined;
  /** The 16 uniforms of the block being transformed. */
  private readonly uniforms = new Float64Array(BLOCK);
  /** Counts draws and restores, so a copy of the state taken earlier can be told stale. */
  private drawCount = 0;

  /**
   * `seed` as torch's `manual_seed` accepts it: an integer in [-2^63, 2^64 - 1], negatives taken as
   * their 64-bit two's complement. The engine itself is seeded with the low 32 bits.
   */
  constructor(seed: number | bigint) {
    this.engine = new Mt19937(lowSeedBits(seed));
  }

  /** A generator that continues from `state`, drawing what the one it was taken from would draw. */
  static fromState(state: GeneratorState): TorchGenerator {
    const g = new TorchGenerator(0);
    g.restore(state);
    return g;
  }

  /** Changes with every draw and restore: equal values mean the state has not moved in between. */
  get version(): number {
    return this.drawCount;
  }

  /** A copy of the state: drawing from `fromState(copy)` gives what this generator draws next. */
  state(): GeneratorState {
    return { engine: this.engine.state(), nextDoubleNormal: this.nextDoubleNormal };
  }

  /** Continues from `state`, as if this generator had made the draws that led there. */
  restore(state: GeneratorState): void {
    this.engine.restore(state.engine);
    this.nextDoubleNormal = state.nextDoubleNormal;
    this.drawCount++;
  }

  /** Standard normal float32 values in row-major order; `shape` may be a plain element count. */
  randn(shape: readonly number[] | number): Float32Array {
    const out = new Float32Array(elementCount(shape));
    this.drawCount++;
    if (out.length >= BLOCK) this.fillBlocks(out);
    else for (let i = 0; i < out.length; i++) out[i] = this.doubleNormal();
    return out;
  }

  /**
   * PyTorch's `normal_fill`: one 24-bit uniform per element, then Box-Muller over blocks of 16.
   * Each block only reads its own 16 uniforms, drawn in order, so drawing them block by block
   * gives the same values as drawing them all first.
   */
  private fillBlocks(out: Float32Array): void {
    const n = out.length;
    const u = this.uniforms;
    for (let start = 0; start + BLOCK <= n; start += BLOCK) {
      for (let k = 0; k < BLOCK; k++) u[k] = this.floatUniform();
      boxMullerBlock(u, out, start);
    }
    if (n % BLOCK !== 0) {
      // torch draws the leftover positions' uniforms with the rest, then redoes the trailing 16
      // positions from fresh words instead of handling a partial block.
      for (let k = 0; k < n % BLOCK; k++) this.floatUniform();
      for (let k = 0; k < BLOCK; k++) u[k] = this.floatUniform();
      boxMullerBlock(u, out, n - BLOCK);
    }
  }

  /** `at::normal_distribution<double>`, including its one-value cache. */
  private doubleNormal(): number {
    if (this.nextDoubleNormal !== undefined) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = undefined;
      return cached;
    }
    const u1 = this.doubleUniform();
    const u2 = this.doubleUniform();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = TWO_PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Uniform in [0, 1) from the low 24 bits of one word, as torch does for float32. */
  private floatUniform(): number {
    return (this.engine.nextUint32() & 0xffffff) / TWO_POW_24;
  }

  /** Uniform in [0, 1) from the low 53 bits of two words, the first one high. */
  private doubleUniform(): number {
    const high = this.engine.nextUint32() & 0x1fffff;
    const low = this.engine.nextUint32();
    return (high * TWO_POW_32 + low) / TWO_POW_53;
  }
}

/** 16 uniforms to 16 normals at `out[at..at+16)`: cosines in the first half, sines in the second. */
function boxMullerBlock(u: Float64Array, out: Float32Array, at: number): void {
  for (let j = 0; j < HALF_BLOCK; j++) {
    const r = Math.sqrt(-2 * Math.log(1 - u[j]));
    const theta = TWO_PI * u[j + HALF_BLOCK];
    out[at + j] = r * Math.cos(theta);
    out[at + j + HALF_BLOCK] = r * Math.sin(theta);
  }
}

function lowSeedBits(seed: number | bigint): number {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a bigint, got ${seed}`);
  }
  const big = BigInt(seed);
  if (big < MIN_SEED || big > MAX_SEED) {
    throw new RangeError(`seed must be in [-2^63, 2^64 - 1], got ${big}`);
  }
  return Number(BigInt.asUintN(32, big));
}

function elementCount(shape: readonly number[] | number): number {
  const dims = typeof shape === 'number' ? [shape] : shape;
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`bad dimension ${d} in shape [${dims}]`);
    count *= d;
  }
  return count;
}
