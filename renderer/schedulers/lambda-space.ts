// The alpha-space view of a sigma-space noise level, shared by the exponential-integrator solvers
// (DPM-Solver, DEIS, UniPC): x = alpha x0 + sigmaT noise, and lambda = log(alpha / sigmaT), the log-SNR.

export interface AlphaSigma {
  alpha: number;
  sigmaT: number;
  lambda: number;
}

export function alphaSigma(sigma: number): AlphaSigma {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const sigmaT = sigma * alpha;
  return { alpha, sigmaT, lambda: Math.log(alpha) - Math.log(sigmaT) };
}
