// Exact Euclidean distance from every pixel to the nearest masked pixel, in linear time (the two-pass
// lower-envelope-of-parabolas method of Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled
// Functions", 2012). Exact distances let the feathered mask be exactly 0 beyond its radius.

/** Stands for "no masked pixel here"; finite so the envelope arithmetic never meets Infinity - Infinity. */
const FAR = 1e20;

function intersection(f: Float64Array, q: number, p: number): number {
  return (f[q] + q * q - (f[p] + p * p)) / (2 * (q - p));
}

/** Squared distance transform of one line of `n` samples, from `f` into `d`. */
function transformLine(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    // Where the parabola rooted at q overtakes the last one kept; z[0] = -Infinity stops the loop at k = 0.
    let s = intersection(f, q, v[k]);
    while (s <= z[k]) {
      k--;
      s = intersection(f, q, v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    d[q] = (q - p) * (q - p) + f[p];
  }
}

/** Squared distance (in pixels squared) from each pixel to the nearest pixel where `mask` is non-zero. */
export function squaredDistanceToMask(mask: ArrayLike<number>, width: number, height: number): Float64Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const out = new Float64Array(width * height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = mask[y * width + x] !== 0 ? 0 : FAR;
    transformLine(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = out[row + x];
    transformLine(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[row + x] = d[x];
  }
  return out;
}
