// The toy VAE is linear: 8x8 average pooling then a fixed 1x1 map from RGB to 4 channels; the decoder
// applies its pseudo-inverse and resizes x8. The map is scaled so that, times the scaling factor,
// latents have about unit size, like a real VAE's scaled latents.

/** Rows: brightness, red-green, blue-yellow, and a redundant red-blue channel. */
const UNIT_ROWS = [
  [0.577, 0.577, 0.577],
  [Math.SQRT1_2, -Math.SQRT1_2, 0],
  [0.408, 0.408, -0.816],
  [0.5, 0, -0.5],
];

/** Raw latents are 4x the unit map; the scaling factor brings them back (and is not 1, so a pipeline that forgets it fails). */
export const RAW_GAIN = 4;
export const SCALING_FACTOR = 0.25;

export const ENCODER_MAP: number[][] = UNIT_ROWS.map((row) => row.map((v) => v * RAW_GAIN));

/** Moore-Penrose pseudo-inverse of the 4x3 encoder map: (M^T M)^-1 M^T, 3x4. */
export function decoderMap(): number[][] {
  const m = ENCODER_MAP;
  const mtm = [0, 1, 2].map((i) => [0, 1, 2].map((j) => m.reduce((s, row) => s + row[i] * row[j], 0)));
  const inv = invert3(mtm);
  return [0, 1, 2].map((i) =>
    [0, 1, 2, 3].map((k) => [0, 1, 2].reduce((s, j) => s + inv[i][j] * m[k][j], 0)),
  );
}

/**
 * The unit latent direction the decoder cannot see (M^T n = 0): the encoder's 4 rows span only the 3
 * colours, so one direction of every latent cell carries nothing to the picture.
 */
export function decoderNullDirection(): number[] {
  const columns = [0, 1, 2].map((j) => ENCODER_MAP.map((row) => row[j]));
  // Gram-Schmidt: the columns, then the unit vectors; the best remainder is the null direction.
  const basis: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const remainder = (v: number[]) =>
    basis.reduce((r, b) => {
      const d = dot(r, b);
      return r.map((x, i) => x - d * b[i]);
    }, v);
  for (const c of columns) {
    const r = remainder(c);
    const norm = Math.sqrt(dot(r, r));
    basis.push(r.map((x) => x / norm));
  }
  const candidates = [0, 1, 2, 3].map((k) => remainder([0, 1, 2, 3].map((i) => (i === k ? 1 : 0))));
  const best = candidates.reduce((a, b) => (dot(b, b) > dot(a, a) ? b : a));
  const norm = Math.sqrt(dot(best, best));
  return best.map((x) => x / norm);
}

function invert3(a: number[][]): number[][] {
  const [[a0, a1, a2], [b0, b1, b2], [c0, c1, c2]] = a;
  const det = a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
  return [
    [(b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det, (a1 * b2 - a2 * b1) / det],
    [(b2 * c0 - b0 * c2) / det, (a0 * c2 - a2 * c0) / det, (a2 * b0 - a0 * b2) / det],
    [(b0 * c1 - b1 * c0) / det, (a1 * c0 - a0 * c1) / det, (a0 * b1 - a1 * b0) / det],
  ];
}

/** Encodes interleaved RGB bytes (size x size) to scaled latents [4, size/8, size/8], as the ONNX encoder does. */
export function encodeScaled(rgb: Uint8Array, size: number): Float32Array {
  const h = size / 8;
  const out = new Float32Array(4 * h * h);
  for (let by = 0; by < h; by++) {
    for (let bx = 0; bx < h; bx++) {
      const mean = [0, 0, 0];
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const i = ((by * 8 + y) * size + bx * 8 + x) * 3;
          for (let c = 0; c < 3; c++) mean[c] += rgb[i + c] / 127.5 - 1;
        }
      }
      for (let k = 0; k < 4; k++) {
        const row = ENCODER_MAP[k];
        out[k * h * h + by * h + bx] =
          (SCALING_FACTOR * (row[0] * mean[0] + row[1] * mean[1] + row[2] * mean[2])) / 64;
      }
    }
  }
  return out;
}

/** Scaled latent of a flat colour (what encodeScaled gives for every block of it). */
export function encodeScaledColour(rgb: readonly [number, number, number]): number[] {
  const v = rgb.map((c) => c / 127.5 - 1);
  return ENCODER_MAP.map((row) => SCALING_FACTOR * (row[0] * v[0] + row[1] * v[1] + row[2] * v[2]));
}
