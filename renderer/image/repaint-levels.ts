// How much each pixel of a mask picture asks to be repainted, 0 (keep) to 255 (repaint), before resizing.
//
// Opaque masks are read by luminance, white = repaint (the diffusers/AUTOMATIC1111 convention). Masks with
// transparency come in two kinds, told apart by their visible pixels:
// - every visible pixel is light: white strokes on a transparent sheet (a paint layer exported alone), so
//   the strokes are the region to repaint: luminance over black, i.e. luminance x alpha;
// - otherwise it is a picture with the region to change erased (the OpenAI image-edit convention), so the
//   transparent part is what to repaint: 255 - alpha.

/** ITU-R 601 luma in 16-bit fixed point, exactly as PIL's convert("L") that diffusers uses for masks. */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** A pixel at least this opaque is "visible" when deciding which kind of transparent mask this is. */
const VISIBLE_ALPHA = 128;

/**
 * `rgba`: interleaved RGBA bytes. `lightLevel`: the luminance (0-255) from which a pixel counts as
 * repaint by its colour, i.e. the mask threshold.
 */
export function repaintLevels(rgba: Uint8Array, pixels: number, lightLevel: number): Uint8Array {
  if (rgba.length !== pixels * 4)
    throw new Error(`repaintLevels: expected ${pixels * 4} bytes, got ${rgba.length}`);
  const levels = new Uint8Array(pixels);
  let transparent = false;
  let allVisibleLight = true;
  for (let i = 0; i < pixels; i++) {
    const o = i * 4;
    const alpha = rgba[o + 3];
    const l = luma(rgba[o], rgba[o + 1], rgba[o + 2]);
    levels[i] = l;
    if (alpha < 255) transparent = true;
    if (alpha >= VISIBLE_ALPHA && l < lightLevel) allVisibleLight = false;
  }
  if (!transparent) return levels;
  for (let i = 0; i < pixels; i++) {
    const alpha = rgba[i * 4 + 3];
    levels[i] = allVisibleLight ? Math.round((levels[i] * alpha) / 255) : 255 - alpha;
  }
  return levels;
}
