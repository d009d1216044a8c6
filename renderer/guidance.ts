// Classifier-free guidance (Ho & Salimans 2022): push the conditional prediction away from the
// unconditional one by `scale`; scale 1 is the conditional prediction itself.

export function applyGuidance(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  if (uncond.length !== cond.length) {
    throw new Error(`guidance: unconditional has ${uncond.length} values, conditional ${cond.length}`);
  }
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  return out;
}
