// Shared test inputs: Stable Diffusion 1.x's scheduler config as its model folder ships it, and the
// training schedule recomputed here in plain float64, independently of the renderer's code.

export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

/** alpha_bar_t for the scaled-linear schedule: betas linear in sqrt, cumulative product of 1 - beta. */
export function scaledLinearAlphaBar(
  t: number,
  betaStart = 0.00085,
  betaEnd = 0.012,
  numTrain = 1000,
): number {
  let prod = 1;
  for (let i = 0; i <= t; i++) {
    const root = Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * i) / (numTrain - 1);
    prod *= 1 - root * root;
  }
  return prod;
}

/** sigma_t = sqrt((1 - alpha_bar) / alpha_bar). */
export function scaledLinearSigma(t: number): number {
  const abar = scaledLinearAlphaBar(t);
  return Math.sqrt((1 - abar) / abar);
}

/** Deterministic pseudo-random values in [-1, 1), so tests need no generator. */
export function wave(length: number, phase = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 12.9898 + phase * 78.233) * 0.9);
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, relTol: number): void {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    maxRef = Math.max(maxRef, Math.abs(want[i]));
  }
  if (!(maxDiff <= relTol * Math.max(maxRef, 1e-30))) {
    throw new Error(`relative error ${maxDiff / maxRef} above ${relTol}`);
  }
}
