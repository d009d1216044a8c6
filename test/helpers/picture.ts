// Reading pictures back for assertions about what they show.
import sharp from 'sharp';

export interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

export async function rgbOf(png: Buffer): Promise<Rgb> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export function pixel(p: Rgb, x: number, y: number): [number, number, number] {
  const i = (y * p.width + x) * 3;
  return [p.data[i], p.data[i + 1], p.data[i + 2]];
}

type Test = (rgb: [number, number, number]) => boolean;

export const isRed: Test = ([r, g, b]) => r > 150 && r > g + 60 && r > b + 60;
export const isBlue: Test = ([r, g, b]) => b > r + 40 && b > g + 10;
export const isYellow: Test = ([r, g, b]) => r > 180 && g > 160 && b < 110;
export const isGreen: Test = ([r, g, b]) => g > r + 30 && g > b + 30;

/** Share of the pictures' pixels (optionally inside a box) that pass `test`. */
export function share(p: Rgb, test: Test, box = { x0: 0, y0: 0, x1: p.width, y1: p.height }): number {
  let hits = 0;
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      n++;
      if (test(pixel(p, x, y))) hits++;
    }
  }
  return hits / n;
}

/** Share of the four corner squares (a sixteenth of the side each) passing `test`. */
export function cornerShare(p: Rgb, test: Test): number {
  const k = Math.max(4, p.height >> 4);
  const boxes = [
    { x0: 0, y0: 0 },
    { x0: p.width - k, y0: 0 },
    { x0: 0, y0: p.height - k },
    { x0: p.width - k, y0: p.height - k },
  ];
  return boxes.reduce((s, b) => s + share(p, test, { ...b, x1: b.x0 + k, y1: b.y0 + k }), 0) / 4;
}

/** Mean absolute difference per channel, 0..255. */
export function meanAbsDiff(a: Rgb, b: Rgb): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}
