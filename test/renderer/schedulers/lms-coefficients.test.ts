import { describe, expect, it } from 'vitest';
import { lmsCoefficient } from '../../../renderer/schedulers/lms.ts';

const sigmas = [14.6, 9.7, 6.5, 4.4, 3.0, 2.1, 0];

/** Integral of 1 - 2s + 0.5 s^2 - 0.1 s^3 over [a, b], worked out by hand. */
function cubicIntegral(a: number, b: number): number {
  const F = (s: number) => s - s ** 2 + s ** 3 / 6 - 0.025 * s ** 4;
  return F(b) - F(a);
}
const cubic = (s: number) => 1 - 2 * s + 0.5 * s ** 2 - 0.1 * s ** 3;

describe('LMS coefficients', () => {
  it('order 1 is the plain Euler step length', () => {
    expect(lmsCoefficient(sigmas, 2, 1, 0)).toBeCloseTo(sigmas[3] - sigmas[2], 12);
  });

  it('sum to the step length at every order (the basis polynomials sum to 1)', () => {
    for (let order = 1; order <= 4; order++) {
      const i = 5;
      let sum = 0;
      for (let j = 0; j < order; j++) sum += lmsCoefficient(sigmas, i, order, j);
      expect(sum).toBeCloseTo(sigmas[i + 1] - sigmas[i], 12);
    }
  });

  it('integrate a cubic derivative exactly at order 4', () => {
    const i = 4;
    let approx = 0;
    for (let j = 0; j < 4; j++) approx += lmsCoefficient(sigmas, i, 4, j) * cubic(sigmas[i - j]);
    expect(approx).toBeCloseTo(cubicIntegral(sigmas[i], sigmas[i + 1]), 10);
  });

  it('refuses terms that reach before the first step', () => {
    expect(() => lmsCoefficient(sigmas, 1, 3, 0)).toThrow(
      'LMS coefficient out of range: step 1, order 3, term 0',
    );
  });
});
