// The repaint mask at latent size, for the inpainting UNet's extra input channel and for blending latents.

/**
 * [1, 1, floor(H/8), floor(W/8)] from the full-size 0/1 mask, sampled as diffusers does it:
 * `torch.nn.functional.interpolate(mask, size=(H // 8, W // 8))`, whose default mode is "nearest". That
 * takes source index floor(i * in/out) computed in float32, i.e. the top-left pixel of each 8x8 block,
 * so a stroke thinner than 8 pixels may miss the latent mask there exactly as it would in diffusers.
 */
export function maskToLatent(hard: Float32Array, width: number, height: number, scale = 8): Float32Array {
  if (hard.length !== width * height) {
    throw new Error(`maskToLatent: expected ${width * height} values, got ${hard.length}`);
  }
  const outW = Math.floor(width / scale);
  const outH = Math.floor(height / scale);
  const xs = nearestSources(width, outW);
  const ys = nearestSources(height, outH);
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const row = ys[y] * width;
    for (let x = 0; x < outW; x++) out[y * outW + x] = hard[row + xs[x]];
  }
  return out;
}

/** PyTorch's nearest-neighbour source indices for one axis (upsample_nearest's nearest_idx). */
function nearestSources(inSize: number, outSize: number): Int32Array {
  const src = new Int32Array(outSize);
  const ratio = Math.fround(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) src[i] = i;
    else if (outSize === 2 * inSize) src[i] = i >> 1;
    else src[i] = Math.min(Math.floor(Math.fround(i * ratio)), inSize - 1);
  }
  return src;
}
