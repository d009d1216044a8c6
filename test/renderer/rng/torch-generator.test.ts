import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../../../renderer/rng/torch-generator.ts';

const referenceFile = fileURLToPath(
  new URL('../../../../shared/reference/torch_randn.json', import.meta.url),
);

interface RandnCase {
  seed: number;
  shape: number[];
  numel: number;
  first: number[];
  second_first: number[];
  sum: number;
  sumsq: number;
  second_sum: number;
  values?: number[];
}

function maxAbsDiff(actual: Float32Array, expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

function sum(values: Float32Array, square = false): number {
  let total = 0;
  for (const v of values) total += square ? v * v : v;
  return total;
}

describe('TorchGenerator against torch.randn', () => {
  if (!existsSync(referenceFile)) {
    it.skip(`reference cases absent (${referenceFile}), nothing to compare with`, () => {});
    return;
  }
  const cases = JSON.parse(readFileSync(referenceFile, 'utf8')) as RandnCase[];
  for (const c of cases) {
    it(`seed=${c.seed} shape=[${c.shape}] reproduces two successive draws`, () => {
      const g = new TorchGenerator(c.seed);
      const x = g.randn(c.shape);
      const y = g.randn(c.shape);
      expect(x.length).toBe(c.numel);
      expect(maxAbsDiff(x, c.first)).toBeLessThan(1e-5);
      expect(maxAbsDiff(y, c.second_first)).toBeLessThan(1e-5);
      if (c.values) expect(maxAbsDiff(x, c.values)).toBeLessThan(1e-5);
      expect(Math.abs(sum(x) - c.sum)).toBeLessThan(0.05);
      expect(Math.abs(sum(x, true) - c.sumsq)).toBeLessThan(0.05);
      expect(Math.abs(sum(y) - c.second_sum)).toBeLessThan(0.05);
    });
  }
});

describe('TorchGenerator draw order', () => {
  it('redoes the last 16 positions from fresh words when the size is not a multiple of 16', () => {
    const odd = new TorchGenerator(7).randn(20);
    const firstBlock = new TorchGenerator(7).randn(16);
    expect(Array.from(odd.subarray(0, 4))).toEqual(Array.from(firstBlock.subarray(0, 4)));
    // Ten double normals use exactly 20 words, so the next block starts at word 20 as the redo does.
    const skipped = new TorchGenerator(7);
    skipped.randn(10);
    expect(Array.from(odd.subarray(4))).toEqual(Array.from(skipped.randn(16)));
    expect(Array.from(odd.subarray(4))).not.toEqual(Array.from(firstBlock.subarray(4)));
  });

  it('keeps the second value of a small draw across a large draw', () => {
    const pair = new TorchGenerator(3).randn(2);
    const g = new TorchGenerator(3);
    expect(g.randn(1)[0]).toBe(pair[0]);
    const large = g.randn([1, 16]);
    expect(g.randn([1])[0]).toBe(pair[1]);
    // The cached value costs no words: the large draw starts right after the first pair's four.
    const h = new TorchGenerator(3);
    h.randn(2);
    expect(Array.from(large)).toEqual(Array.from(h.randn(16)));
  });

  it('seeds like manual_seed: low 32 bits, negatives as two\u2019s complement', () => {
    const base = Array.from(new TorchGenerator(42).randn(16));
    expect(Array.from(new TorchGenerator(2n ** 32n + 42n).randn(16))).toEqual(base);
    expect(Array.from(new TorchGenerator(-1).randn(16))).toEqual(
      Array.from(new TorchGenerator(2n ** 64n - 1n).randn(16)),
    );
    expect(() => new TorchGenerator(2n ** 64n)).toThrow(RangeError);
    expect(() => new TorchGenerator(1.5)).toThrow(RangeError);
  });

  it('accepts a scalar shape, an empty size and rejects bad dimensions', () => {
    expect(new TorchGenerator(0).randn([]).length).toBe(1);
    expect(new TorchGenerator(0).randn([2, 0, 3]).length).toBe(0);
    expect(() => new TorchGenerator(0).randn([2, -1])).toThrow(RangeError);
  });
});

describe('TorchGenerator state', () => {
  it('a generator rebuilt from a copy of the state draws what the original draws next', () => {
    const g = new TorchGenerator(42);
    g.randn(5); // a small draw leaves the sine half of a pair cached
    const copy = TorchGenerator.fromState(g.state());
    for (const shape of [3, 16384, 100, 1, 700]) {
      expect(Array.from(copy.randn(shape))).toEqual(Array.from(g.randn(shape)));
    }
  });

  it('restore moves a generator to where the copy was taken, and changes its version', () => {
    const g = new TorchGenerator(7);
    const at = g.state();
    const first = g.randn(1000);
    const version = g.version;
    g.restore(at);
    expect(g.version).not.toBe(version);
    expect(Array.from(g.randn(1000))).toEqual(Array.from(first));
  });

  it('refuses an engine state of the wrong size', () => {
    const g = new TorchGenerator(1);
    const state = g.state();
    expect(() => g.restore({ ...state, engine: { words: new Uint32Array(10), index: 0 } })).toThrow(
      /624 words/,
    );
  });
});
