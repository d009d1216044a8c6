// Normal draws that reproduce `torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))`
// for float32, call after call on one generator, so a seed gives the same picture as diffusers.
import { Mt19937 } from './mt19937.ts';

const TWO_POW_24 = 2 ** 24;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;
const TWO_PI = 2 * Math.PI;
/** PyTorch switches from per-element double normals to the block Box-Muller at this size. */
const BLOCK = 16;
const HALF_BLOCK = BLOCK / 2;
const MAX_SEED = 2n ** 64n - 1n;
const MIN_SEED = -(2n ** 63n);

export class TorchGenerator {
  private readonly engine: Mt19937;
  /** The sine half of the last double Box-Muller pair, kept for the next small draw as torch does. */
  private nextDoubleNormal: number | undefined;

  /**
   * `seed` as torch's `manual_seed` accepts it: an integer in [-2^63, 2^64 - 1], negatives taken as
   * their 64-bit two's complement. The engine itself is seeded with the low 32 bits.
   */
  constructor(seed: number | bigint) {
    this.engine = new Mt19937(lowSeedBits(seed));
  }

  /** Standard normal float32 values in row-major order; `shape` may be a plain element count. */
  randn(shape: readonly number[] | number): Float32Array {
    const out = new Float32Array(elementCount(shape));
    if (out.length >= BLOCK) this.fillBlocks(out);
    else for (let i = 0; i < out.length; i++) out[i] = this.doubleNormal();
    return out;
  }

  /** PyTorch's `normal_fill`: one 24-bit uniform per element, then Box-Muller over blocks of 16. */
  private fillBlocks(out: Float32Array): void {
    const n = out.length;
    const uniforms = new Float64Array(n);
    for (let i = 0; i < n; i++) uniforms[i] = this.floatUniform();
    for (let start = 0; start + BLOCK <= n; start += BLOCK) boxMullerBlock(uniforms, start, out);
    if (n % BLOCK !== 0) {
      // torch redoes the trailing 16 positions from fresh words instead of handling a partial block.
      const start = n - BLOCK;
      for (let i = start; i < n; i++) uniforms[i] = this.floatUniform();
      boxMullerBlock(uniforms, start, out);
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

function boxMullerBlock(uniforms: Float64Array, start: number, out: Float32Array): void {
  for (let j = start; j < start + HALF_BLOCK; j++) {
    const r = Math.sqrt(-2 * Math.log(1 - uniforms[j]));
    const theta = TWO_PI * uniforms[j + HALF_BLOCK];
    out[j] = r * Math.cos(theta);
    out[j + HALF_BLOCK] = r * Math.sin(theta);
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
