// Puts the original back wherever the soft mask is 0, so an inpaint changes nothing outside its region
// (the VAE round trip would otherwise blur and shift colours everywhere).

/**
 * Interleaved RGB: original where soft = 0 (byte for byte), generated where soft = 1, and
 * round(original + (generated - original) * soft) in between.
 */
export function pasteUnmasked(originalRgb: Uint8Array, generatedRgb: Uint8Array, soft: Float32Array): Buffer {
  if (originalRgb.length !== soft.length * 3 || generatedRgb.length !== soft.length * 3) {
    throw new Error(
      `pasteUnmasked: sizes differ (original ${originalRgb.length} bytes, generated ${generatedRgb.length} bytes, mask ${soft.length} pixels)`,
    );
  }
  const out = Buffer.from(originalRgb);
  for (let i = 0; i < soft.length; i++) {
    const a = soft[i];
    if (!(a > 0)) continue; // also skips NaN
    for (let c = i * 3; c < i * 3 + 3; c++) {
      out[c] = a >= 1 ? generatedRgb[c] : Math.round(originalRgb[c] + (generatedRgb[c] - originalRgb[c]) * a);
    }
  }
  return out;
}
