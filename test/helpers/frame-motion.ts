// Measuring how a clip's content moves between two frames, for tests of camera motion.

/** RGB frame with its size. */
export interface Frame {
  rgb: Buffer;
  width: number;
  height: number;
}

/**
 * The shift (dx, dy) that best maps frame `a` onto frame `b` (b(x + dx, y + dy) ≈ a(x, y)), by
 * searching every whole-pixel offset up to `radius` and comparing the central region.
 */
export function bestOffset(a: Frame, b: Frame, radius = 8): { dx: number; dy: number } {
  const { width, height } = a;
  const margin = radius + 2;
  let best = { dx: 0, dy: 0, cost: Number.POSITIVE_INFINITY };
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      let cost = 0;
      for (let y = margin; y < height - margin; y++) {
        for (let x = margin; x < width - margin; x++) {
          const i = (y * width + x) * 3;
          const j = ((y + dy) * width + (x + dx)) * 3;
          for (let c = 0; c < 3; c++) {
            const d = a.rgb[i + c] - b.rgb[j + c];
            cost += d * d;
          }
        }
      }
      if (cost < best.cost) best = { dx, dy, cost };
    }
  }
  return { dx: best.dx, dy: best.dy };
}

/** How many pixels pass a colour test: the size of a shape of that colour. */
export function countPixels(f: Frame, test: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < f.rgb.length; i += 3) if (test(f.rgb[i], f.rgb[i + 1], f.rgb[i + 2])) n++;
  return n;
}
