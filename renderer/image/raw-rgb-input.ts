import sharp, { type Sharp } from 'sharp';
import { checkSize } from './check-size.ts';

/** A sharp pipeline over interleaved RGB bytes (width x height x 3), checked against the size. */
export function rawRgbInput(rgb: Uint8Array, width: number, height: number): Sharp {
  checkSize(width, height);
  if (rgb.length !== width * height * 3) {
    throw new Error(`expected ${width * height * 3} bytes for ${width}x${height} RGB, got ${rgb.length}`);
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}
