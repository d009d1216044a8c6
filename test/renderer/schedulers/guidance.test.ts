import { describe, expect, it } from 'vitest';
import { applyGuidance } from '../../../renderer/pipelines/stages/denoise.ts';

describe('applyGuidance', () => {
  const uncond = Float32Array.from([0, 1, -2]);
  const cond = Float32Array.from([1, 1, 2]);

  it('is u + g (c - u)', () => {
    expect(Array.from(applyGuidance(uncond, cond, 7.5))).toEqual([7.5, 1, 28]);
  });

  it('scale 1 gives the conditional prediction and 0 the unconditional one', () => {
    expect(Array.from(applyGuidance(uncond, cond, 1))).toEqual(Array.from(cond));
    expect(Array.from(applyGuidance(uncond, cond, 0))).toEqual(Array.from(uncond));
  });

  it('rejects predictions of different sizes', () => {
    expect(() => applyGuidance(uncond, cond.subarray(1), 2)).toThrow(
      'guidance: unconditional has 3 values, conditional 2',
    );
  });
});
