// Raw RGB bytes <-> NCHW float tensors in [-1, 1], with the arithmetic of diffusers' VaeImageProcessor
// (float32 throughout, numpy's round-half-to-even) so a picture round-trips to the same bytes as there.

/** Interleaved RGB bytes (H x W x 3) to a [1, 3, H, W] tensor: 2 * (v / 255) - 1, as diffusers normalises. */
export function rgbToTensor(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  if (rgb.length !== plane * 3) {
    throw new Error(`rgbToTensor: expected ${plane * 3} bytes for ${width}x${height} RGB, got ${rgb.length}`);
  }
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      // v / 255 rounds to float32 first (numpy's astype(float32) / 255); 2x - 1 is then exact in double and
      // rounds once when stored, as the float32 subtraction does.
      out[c * plane + i] = 2 * Math.fround(rgb[i * 3 + c] / 255) - 1;
    }
  }
  return out;
}

/** numpy's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One channel value in [-1, 1] to a byte: (x / 2 + 0.5).clamp(0, 1) * 255, rounded, all in float32. */
export function unitToByte(x: number): number {
  let v = Math.fround(Math.fround(x / 2) + 0.5);
  if (!(v > 0)) v = 0; // also maps NaN to 0
  if (v > 1) v = 1;
  return roundHalfEven(Math.fround(v * 255));
}

/** Picture `index` of a [B, 3, H, W] tensor in [-1, 1] to interleaved RGB bytes (H x W x 3). */
export function tensorToRgb(tensor: Float32Array, index: number, width: number, height: number): Buffer {
  const plane = width * height;
  const offset = index * plane * 3;
  if (!Number.isInteger(index) || index < 0 || offset + plane * 3 > tensor.length) {
    throw new Error(
      `tensorToRgb: picture ${index} of ${width}x${height} is outside a tensor of ${tensor.length} values`,
    );
  }
  const out = Buffer.allocUnsafe(plane * 3);
  // The same arithmetic as unitToByte, with the clamp and the rounding left to the store: writing a
  // number into a Uint8ClampedArray clamps it to [0, 255] (NaN to 0) and rounds halves to even, as
  // the spec's ToUint8Clamp says. Clamping after the multiply instead of before it gives the same
  // byte, since v * 255 passes 255 exactly when v passes 1. About twice as fast as branching here.
  // x / 2 of a float32 is exact as a double, so it needs no rounding of its own before the + 0.5
  // (below float32's normal range both ways give 0.5). One pass over the pixels writes each one's
  // three bytes in a row: a fifth faster than a pass per channel.
  const bytes = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  const f = Math.fround;
  const r = tensor.subarray(offset, offset + plane);
  const g = tensor.subarray(offset + plane, offset + 2 * plane);
  const b = tensor.subarray(offset + 2 * plane, offset + 3 * plane);
  for (let i = 0, o = 0; i < plane; i++, o += 3) {
    bytes[o] = f(f(r[i] / 2 + 0.5) * 255);
    bytes[o + 1] = f(f(g[i] / 2 + 0.5) * 255);
    bytes[o + 2] = f(f(b[i] / 2 + 0.5) * 255);
  }
  return out;
}
