// Coefficients of the linear multistep method over a sigma schedule: the integral, from sigma_i to
// sigma_{i+1}, of the Lagrange basis polynomial through the last `order` sigmas. Each basis polynomial has
// degree order - 1 <= 3, so Gauss-Legendre quadrature with four nodes (exact up to degree 7) integrates
// it exactly, where diffusers uses adaptive quadrature to a 1e-4 relative tolerance.

const GAUSS_NODES = [
  -Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5)),
  -Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5)),
  Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5)),
  Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5)),
];
const GAUSS_WEIGHTS = [
  (18 - Math.sqrt(30)) / 36,
  (18 + Math.sqrt(30)) / 36,
  (18 + Math.sqrt(30)) / 36,
  (18 - Math.sqrt(30)) / 36,
];
/** Highest polynomial degree the rule above integrates exactly. */
const EXACT_DEGREE = 2 * GAUSS_NODES.length - 1;

/**
 * Coefficient `j` (0 = newest derivative) for the step from sigmas[i] to sigmas[i+1] using derivatives
 * taken at sigmas[i], sigmas[i-1], ..., sigmas[i-order+1].
 */
export function lmsCoefficient(sigmas: ArrayLike<number>, i: number, order: number, j: number): number {
  if (order - 1 > EXACT_DEGREE)
    throw new Error(`LMS order ${order} is above what the quadrature integrates exactly`);
  if (i - order + 1 < 0 || i + 1 >= sigmas.length || j < 0 || j >= order) {
    throw new Error(`LMS coefficient out of range: step ${i}, order ${order}, term ${j}`);
  }
  const basis = (tau: number) => {
    let prod = 1;
    for (let k = 0; k < order; k++) {
      if (k !== j) prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
    }
    return prod;
  };
  const a = sigmas[i];
  const b = sigmas[i + 1];
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let n = 0; n < GAUSS_NODES.length; n++) sum += GAUSS_WEIGHTS[n] * basis(mid + half * GAUSS_NODES[n]);
  return sum * half;
}
