// Blends across frames: slerp for starting noise (keeps its norm, so every in-between frame starts
// from noise a sampler expects) and lerp for text embeddings.

/** Spherical interpolation of two noise tensors; exact at t = 0 and t = 1. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (t <= 0) return Float32Array.from(a);
  if (t >= 1) return Float32Array.from(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = dot / Math.sqrt(na * nb);
  const out = new Float32Array(a.length);
  // Nearly parallel: the sines vanish, and a straight line is the same curve.
  if (Math.abs(cos) > 0.9995) return lerp(a, b, t);
  const theta = Math.acos(cos);
  const sin = Math.sin(theta);
  const wa = Math.sin((1 - t) * theta) / sin;
  const wb = Math.sin(t * theta) / sin;
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (t <= 0) return Float32Array.from(a);
  if (t >= 1) return Float32Array.from(b);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + (b[i] - a[i]) * t;
  return out;
}
