// Noise levels (sigma = sqrt((1 - alpha_bar) / alpha_bar)) for the k-diffusion style schedulers, and the
// alternative spacings of them (Karras, exponential) with their fractional training timesteps.
import { linspace } from './numpy-ranges.ts';
import type { TimestepSpacing } from './timestep-spacing.ts';

/** sigma for every training step, computed in float32 like PyTorch does. */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  const f = Math.fround;
  return alphasCumprod.map((a) => Math.sqrt(f(f(1 - a) / a)));
}

/** Karras et al. 2022, eq. 5: sigmas evenly spaced in sigma^(1/rho), from sigmaMax down to sigmaMin. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): Float64Array {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, steps).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Sigmas evenly spaced in log(sigma), from sigmaMax down to sigmaMin. */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, steps: number): Float64Array {
  return linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).map(Math.exp);
}

/**
 * The fractional training timestep whose sigma is `sigma`: linear interpolation in log(sigma) between the
 * two training steps around it (`logSigmas` ascends with the timestep).
 */
export function sigmaToTimestep(sigma: number, logSigmas: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lo = logSigmas[low];
  const hi = logSigmas[low + 1];
  const w = Math.min(Math.max((lo - logSigma) / (lo - hi), 0), 1);
  return (1 - w) * low + w * (low + 1);
}

/**
 * Scale of the starting noise for sigma-space schedulers: the largest sigma, but sqrt(sigma^2 + 1) for
 * `leading` spacing (diffusers' convention, kept so leading-spaced configs render the same).
 */
export function sigmaInitNoise(sigmas: Float32Array, spacing: TimestepSpacing): number {
  let max = 0;
  for (const s of sigmas) max = Math.max(max, s);
  return spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
}
