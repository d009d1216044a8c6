// Pieces shared by the k-diffusion style schedulers, which keep the latent as x = x0 + sigma * noise.

/** The UNet was trained on unit-variance inputs: divide by sqrt(sigma^2 + 1). */
export function scaleBySigma(sample: Float32Array, sigma: number): Float32Array {
  const scale = 1 / Math.sqrt(sigma * sigma + 1);
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = sample[i] * scale;
  return out;
}

export function sigmaSpaceAddNoise(original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma;
  return out;
}

/**
 * The sigma for noising at timestep `t`, following diffusers: by lookup when no begin index was set,
 * otherwise the current step (inpainting re-noises mid-run) or the begin index (img2img start).
 */
export function sigmaIndexForNoising(
  lookup: () => number,
  current: number | undefined,
  begin: number | undefined,
): number {
  if (begin === undefined) return lookup();
  return current ?? begin;
}
