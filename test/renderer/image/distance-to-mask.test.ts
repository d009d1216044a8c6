import { describe, expect, it } from 'vitest';
import { squaredDistanceToMask } from '../../../renderer/image/distance-to-mask.ts';
import { featherMask } from '../../../renderer/image/feather-mask.ts';

/** A small deterministic generator so the cases are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function bruteForce(mask: Uint8Array, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let v = 0; v < h; v++)
        for (let u = 0; u < w; u++) if (mask[v * w + u]) best = Math.min(best, (x - u) ** 2 + (y - v) ** 2);
      out.push(best);
    }
  }
  return out;
}

describe('squaredDistanceToMask', () => {
  it('equals the brute-force squared distance on random masks', () => {
    const rand = lcg(7);
    for (let round = 0; round < 30; round++) {
      const w = 1 + Math.floor(rand() * 23);
      const h = 1 + Math.floor(rand() * 17);
      const density = rand() * 0.2;
      const mask = Uint8Array.from({ length: w * h }, () => (rand() < density ? 1 : 0));
      mask[Math.floor(rand() * w * h)] = 1;
      expect(Array.from(squaredDistanceToMask(mask, w, h))).toEqual(bruteForce(mask, w, h));
    }
  });
});

describe('featherMask', () => {
  it('is the hard mask when blur is 0, and eases out with smoothstep otherwise', () => {
    const hard = Float32Array.from([0, 0, 0, 0, 1, 0, 0]);
    expect(Array.from(featherMask(hard, 7, 1, 0))).toEqual(Array.from(hard));
    const soft = Array.from(featherMask(hard, 7, 1, 2));
    // Distance 1 gives t = 2/3, distance 2 gives t = 1/3, distance 3 and more is beyond the radius.
    const s = (t: number) => t * t * (3 - 2 * t);
    const expected = [0, 0, s(1 / 3), s(2 / 3), 1, s(2 / 3), s(1 / 3)];
    expect(soft[0]).toBe(0);
    expect(soft[1]).toBe(0);
    for (const [i, v] of expected.entries()) expect(soft[i]).toBeCloseTo(v, 6);
  });
});
