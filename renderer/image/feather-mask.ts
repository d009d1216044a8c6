// The soft mask used to paste the generated picture over the original: 1 on the repainted region, easing
// out to 0 over `blur` pixels outside it. Unlike a Gaussian blur it never leaks into the repainted region
// (which was generated whole) and is exactly 0 farther than `blur` from it, so the rest of the original
// comes back byte for byte.
import { squaredDistanceToMask } from './distance-to-mask.ts';

/**
 * `hard`: 1 = repaint, 0 = keep, width x height. A pixel at distance d (between pixel centres) from the
 * nearest repainted pixel gets smoothstep(1 - d / (blur + 1)) while d <= blur, and 0 beyond.
 */
export function featherMask(hard: Float32Array, width: number, height: number, blur: number): Float32Array {
  if (!(blur >= 0) || !Number.isFinite(blur)) throw new Error(`featherMask: blur must be >= 0, got ${blur}`);
  if (hard.length !== width * height) {
    throw new Error(`featherMask: expected ${width * height} values, got ${hard.length}`);
  }
  const soft = new Float32Array(hard.length);
  if (blur === 0) {
    soft.set(hard);
    return soft;
  }
  const squared = squaredDistanceToMask(hard, width, height);
  const limit = blur * blur;
  for (let i = 0; i < soft.length; i++) {
    if (hard[i] !== 0) {
      soft[i] = 1;
    } else if (squared[i] <= limit) {
      const t = 1 - Math.sqrt(squared[i]) / (blur + 1);
      soft[i] = t * t * (3 - 2 * t);
    }
  }
  return soft;
}
