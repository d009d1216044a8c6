// A job on an input picture renders at the picture's own size, brought within the limits (sides
// multiples of 8), unless the user asked for another size.
import type { Limits } from '../../../core/job/limits.ts';

export function sizeForPicture(
  width: number,
  height: number,
  limits: Limits,
): { width: number; height: number } {
  const m = limits.sideMultiple;
  const scale = Math.min(
    1,
    Math.sqrt(limits.maxPixels / (width * height)),
    limits.maxSide / Math.max(width, height),
  );
  const side = (v: number) => Math.max(limits.minSide, Math.floor((v * scale) / m) * m);
  return { width: side(width), height: side(height) };
}
