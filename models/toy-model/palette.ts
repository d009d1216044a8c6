// What the toy model's pictures are made of: the colour of each object colour word, each
// background drawn as a picture (a vertical gradient with texture), and the dark of outlines and
// shadows, all as scaled latents through the linear toy VAE.

import { encodeScaled, encodeScaledColour } from './vae-map.ts';
import { BACKGROUNDS, type Background, COLOURS, type Colour } from './vocabulary.ts';

export type Rgb = readonly [number, number, number];

export const OBJECT_RGB: Record<Colour, Rgb> = {
  red: [220, 30, 30],
  orange: [245, 140, 20],
  yellow: [245, 220, 40],
  green: [40, 170, 60],
  blue: [30, 70, 220],
  purple: [140, 50, 190],
  pink: [245, 130, 190],
  white: [245, 245, 245],
};

/** Outlines and shadows darken towards this. */
export const DARK_RGB: Rgb = [15, 15, 25];

/** Top and bottom colour of each background (a vertical gradient), plus texture strength. */
export const BACKDROP: Record<Background, { top: Rgb; bottom: Rgb; grain: number }> = {
  sky: { top: [60, 120, 225], bottom: [140, 195, 250], grain: 0 },
  sea: { top: [10, 60, 120], bottom: [20, 110, 150], grain: 12 },
  grass: { top: [70, 150, 50], bottom: [40, 110, 30], grain: 14 },
  night: { top: [8, 10, 35], bottom: [25, 25, 70], grain: 0 },
  sand: { top: [225, 200, 150], bottom: [200, 170, 120], grain: 10 },
  snow: { top: [225, 232, 240], bottom: [200, 210, 225], grain: 6 },
};

/** Backgrounds are drawn at this size; the UNet resizes their latents to the sample's size. */
export const BACKGROUND_SIZE = 256;

/** A deterministic hash noise in [-1, 1] for background texture. */
function grain(x: number, y: number): number {
  let h = (x * 374761393 + y * 668265263) ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (((h ^ (h >>> 16)) >>> 0) / 0xffffffff) * 2 - 1;
}

/** Draws a background as interleaved RGB bytes, BACKGROUND_SIZE square. */
export function drawBackground(background: Background): Uint8Array {
  const n = BACKGROUND_SIZE;
  const out = new Uint8Array(n * n * 3);
  const bg = BACKDROP[background];
  for (let y = 0; y < n; y++) {
    const f = y / (n - 1);
    for (let x = 0; x < n; x++) {
      const i = (y * n + x) * 3;
      if (background === 'night' && grain(x, y) > 0.995) {
        out.set([235, 235, 200], i);
        continue;
      }
      const noise = bg.grain === 0 ? 0 : bg.grain * grain(x >> 2, y >> 2);
      for (let c = 0; c < 3; c++) {
        const v = bg.top[c] + (bg.bottom[c] - bg.top[c]) * f + noise;
        out[i + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** The backgrounds' scaled latents, [backgrounds, 4, size/8, size/8]. */
export function backgroundLatents(): Float32Array {
  const plane = 4 * (BACKGROUND_SIZE / 8) ** 2;
  const out = new Float32Array(BACKGROUNDS.length * plane);
  BACKGROUNDS.forEach((b, i) => {
    out.set(encodeScaled(drawBackground(b), BACKGROUND_SIZE), i * plane);
  });
  return out;
}

/** The object colours' scaled latents, [colours, 4]. */
export function colourLatents(): Float32Array {
  return Float32Array.from(COLOURS.flatMap((c) => encodeScaledColour(OBJECT_RGB[c])));
}
