// Pictures for the Telegram tests: a blue sky, masks, a scribbled copy, and checks of what a result
// shows inside and outside a region.
import sharp from 'sharp';
import { pixel, type Rgb } from '../../helpers/picture.ts';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const SIZE = 128;
/** The region the masks and the scribble cover. */
export const REGION: Box = { x0: 36, y0: 36, x1: 92, y1: 92 };

export function blueSky(size = SIZE): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: 40, g: 90, b: 220 } } })
    .png()
    .toBuffer();
}

/** White inside `box` (scaled to `size`) on black. */
export function boxMask(size = SIZE, box: Box = REGION): Promise<Buffer> {
  const k = size / SIZE;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="#000"/><rect x="${box.x0 * k}" y="${box.y0 * k}" width="${(box.x1 - box.x0) * k}" height="${(box.y1 - box.y0) * k}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export function blackMask(size = SIZE): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
}

/** The picture with strokes of yellow "pen" over the region, as Telegram's drawing tool leaves them. */
export async function scribbledCopy(picture: Buffer, box: Box = REGION): Promise<Buffer> {
  const strokes: string[] = [];
  for (let y = box.y0 + 4; y <= box.y1 - 4; y += 6)
    strokes.push(`<line x1="${box.x0 + 4}" y1="${y}" x2="${box.x1 - 4}" y2="${y}" />`);
  const meta = await sharp(picture).metadata();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${meta.width}" height="${meta.height}"><g stroke="rgb(250,220,40)" stroke-width="9" stroke-linecap="round">${strokes.join('')}</g></svg>`;
  return sharp(picture)
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
}

/** Largest channel difference between two pictures outside `box` grown by `margin`. */
export function maxDiffOutside(a: Rgb, b: Rgb, box: Box, margin: number): number {
  let worst = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (x >= box.x0 - margin && x < box.x1 + margin && y >= box.y0 - margin && y < box.y1 + margin)
        continue;
      const p = pixel(a, x, y);
      const q = pixel(b, x, y);
      worst = Math.max(worst, Math.abs(p[0] - q[0]), Math.abs(p[1] - q[1]), Math.abs(p[2] - q[2]));
    }
  }
  return worst;
}

export function inset(box: Box, by: number): Box {
  return { x0: box.x0 + by, y0: box.y0 + by, x1: box.x1 - by, y1: box.y1 - by };
}
