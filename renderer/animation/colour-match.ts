// Colour coherence: each frame's per-channel mean and spread matched to frame 0's, so a run of
// img2img steps does not drift towards one colour cast (the way Deforum's colour coherence works).

export interface ColourStats {
  mean: [number, number, number];
  std: [number, number, number];
}

export function colourStats(rgb: Buffer): ColourStats {
  const n = rgb.length / 3;
  const mean: [number, number, number] = [0, 0, 0];
  const sq: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < rgb.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      mean[c] += rgb[i + c];
      sq[c] += rgb[i + c] * rgb[i + c];
    }
  }
  const std: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    mean[c] /= n;
    std[c] = Math.sqrt(Math.max(0, sq[c] / n - mean[c] * mean[c]));
  }
  return { mean, std };
}

/** `rgb` with the colour statistics of `target`. A flat channel keeps its spread (nothing to scale). */
export function matchColours(rgb: Buffer, target: ColourStats): Buffer {
  const own = colourStats(rgb);
  const out = Buffer.allocUnsafe(rgb.length);
  const gain = own.std.map((s, c) => (s > 1e-3 ? target.std[c] / s : 1));
  for (let i = 0; i < rgb.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      const v = (rgb[i + c] - own.mean[c]) * gain[c] + target.mean[c];
      out[i + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}
