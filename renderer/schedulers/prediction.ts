// What the UNet predicts (`prediction_type`) and how each scheduler family turns it into the clean sample
// x0. Sigma space: x = x0 + sigma * noise. Alpha space: x = sqrt(abar) * x0 + sqrt(1 - abar) * noise.

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

/** x0 from a prediction made on the sigma-space latent `sample` (the model saw it scaled to unit variance). */
export function sigmaSpaceOriginal(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
): Float64Array {
  const out = new Float64Array(sample.length);
  if (type === 'epsilon') {
    for (let i = 0; i < out.length; i++) out[i] = sample[i] - sigma * modelOutput[i];
  } else if (type === 'v_prediction') {
    // v = alpha * noise - sigma_t * x0 with alpha = 1/sqrt(sigma^2 + 1), sigma_t = sigma * alpha.
    const c = -sigma / Math.sqrt(sigma * sigma + 1);
    const skip = 1 / (sigma * sigma + 1);
    for (let i = 0; i < out.length; i++) out[i] = modelOutput[i] * c + sample[i] * skip;
  } else {
    out.set(modelOutput);
  }
  return out;
}

/** x0 and the implied noise from a prediction on the alpha-space latent `sample` at cumulative alpha `abar`. */
export function alphaSpaceOriginal(
  type: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  abar: number,
): { original: Float64Array; noise: Float64Array } {
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const original = new Float64Array(sample.length);
  const noise = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const m = modelOutput[i];
    const x = sample[i];
    if (type === 'epsilon') {
      original[i] = (x - b * m) / a;
      noise[i] = m;
    } else if (type === 'v_prediction') {
      original[i] = a * x - b * m;
      noise[i] = a * m + b * x;
    } else {
      original[i] = m;
      noise[i] = (x - a * m) / b;
    }
  }
  return { original, noise };
}

/** Noises x0 in alpha space at cumulative alpha `abar`. */
export function alphaSpaceAddNoise(original: Float32Array, noise: Float32Array, abar: number): Float32Array {
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = a * original[i] + b * noise[i];
  return out;
}

/** Clamps x0 to [-range, range] in place (`clip_sample`). */
export function clipOriginal(original: Float64Array, range: number): void {
  for (let i = 0; i < original.length; i++) original[i] = Math.min(range, Math.max(-range, original[i]));
}
