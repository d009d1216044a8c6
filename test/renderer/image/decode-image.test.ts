import sharp, { type Colour } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/index.ts';
import { decodeImage } from '../../../renderer/image/decode-image.ts';

const solid = (width: number, height: number, background: Colour) =>
  sharp({ create: { width, height, channels: 3, background } });

/** A width x height picture in vertical bands of the given colours. */
async function bands(width: number, height: number, colours: [number, number, number][]): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      raw.set(colours[Math.floor((x * colours.length) / width)], (y * width + x) * 3);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** The tensor's RGB at (x, y) of a [1,3,H,W] tensor. */
function at(tensor: Float32Array, width: number, height: number, x: number, y: number): number[] {
  const plane = width * height;
  return [0, 1, 2].map((c) => tensor[c * plane + y * width + x]);
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('decodeImage', () => {
  it('decodes a red square to +1/-1/-1 and keeps its bytes', async () => {
    const png = await solid(32, 32, { r: 255, g: 0, b: 0 }).png().toBuffer();
    const { tensor, rgb } = await decodeImage(png, { width: 16, height: 16, maxInputPixels: 10_000 });
    expect(tensor.length).toBe(3 * 16 * 16);
    expect(at(tensor, 16, 16, 0, 0)).toEqual([1, -1, -1]);
    expect(at(tensor, 16, 16, 15, 15)).toEqual([1, -1, -1]);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(rgb.length).toBe(16 * 16 * 3);
  });

  it('maps a mid grey to its exact tensor value', async () => {
    const png = await solid(8, 8, { r: 64, g: 128, b: 192 }).png().toBuffer();
    const { tensor } = await decodeImage(png, { width: 8, height: 8, maxInputPixels: 100 });
    expect(at(tensor, 8, 8, 3, 3)).toEqual(
      [64, 128, 192].map((v) => Math.fround(2 * Math.fround(v / 255) - 1)),
    );
  });

  it('scales to cover and crops the centre', async () => {
    // 300x100 red | green | blue, into a square: only the green middle third survives.
    const png = await bands(300, 100, [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    const { rgb } = await decodeImage(png, { width: 64, height: 64, maxInputPixels: 1e6 });
    for (const x of [4, 32, 59]) {
      const [r, g, b] = rgb.subarray((32 * 64 + x) * 3, (32 * 64 + x) * 3 + 3);
      expect(g).toBeGreaterThan(240);
      expect(r + b).toBeLessThan(20);
    }
  });

  it('scales a tall picture to cover a wide job', async () => {
    // 40x120 red | blue into 64x32: scaled to 64x192, a horizontal strip from the middle, still red | blue.
    const png = await bands(40, 120, [
      [255, 0, 0],
      [0, 0, 255],
    ]);
    const { rgb, width, height } = await decodeImage(png, { width: 64, height: 32, maxInputPixels: 1e6 });
    expect([width, height]).toEqual([64, 32]);
    expect(Array.from(rgb.subarray((16 * 64 + 5) * 3, (16 * 64 + 5) * 3 + 3))).toEqual([255, 0, 0]);
    expect(Array.from(rgb.subarray((16 * 64 + 58) * 3, (16 * 64 + 58) * 3 + 3))).toEqual([0, 0, 255]);
  });

  it('turns the picture as its EXIF orientation says', async () => {
    // Stored 64x32 red | blue, tagged "rotate 90 clockwise to show": shown 32x64 with red on top.
    const stored = await bands(64, 32, [
      [255, 0, 0],
      [0, 0, 255],
    ]);
    const jpeg = await sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const { rgb } = await decodeImage(jpeg, { width: 32, height: 64, maxInputPixels: 1e6 });
    const top = rgb.subarray((8 * 32 + 16) * 3, (8 * 32 + 16) * 3 + 3);
    const bottom = rgb.subarray((56 * 32 + 16) * 3, (56 * 32 + 16) * 3 + 3);
    expect(top[0]).toBeGreaterThan(220);
    expect(top[2]).toBeLessThan(40);
    expect(bottom[2]).toBeGreaterThan(220);
    expect(bottom[0]).toBeLessThan(40);
  });

  it('flattens transparency onto white', async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const { rgb } = await decodeImage(png, { width: 8, height: 8, maxInputPixels: 100 });
    expect(rgb.every((v) => v === 255)).toBe(true);
  });

  it('reads a grayscale picture as three equal channels', async () => {
    const png = await sharp(Buffer.alloc(16, 77), { raw: { width: 4, height: 4, channels: 1 } })
      .png()
      .toBuffer();
    const { rgb } = await decodeImage(png, { width: 4, height: 4, maxInputPixels: 100 });
    expect(Array.from(rgb.subarray(0, 6))).toEqual([77, 77, 77, 77, 77, 77]);
  });

  it('refuses bytes that are not a picture, saying what to send', async () => {
    const err = await errorOf(
      decodeImage(Buffer.from('definitely not a picture'), { width: 8, height: 8, maxInputPixels: 100 }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('image could not be read as a picture: send a PNG, JPEG or WebP');
  });

  it('refuses a truncated PNG the same way', async () => {
    const png = await bands(64, 64, [
      [1, 2, 3],
      [200, 100, 50],
    ]);
    const err = await errorOf(
      decodeImage(png.subarray(0, png.length - 40), { width: 8, height: 8, maxInputPixels: 1e6 }),
    );
    expect(err.message).toBe('image could not be read as a picture: send a PNG, JPEG or WebP');
  });

  it('refuses formats we do not promise (GIF) with the same advice', async () => {
    const gif = await solid(8, 8, '#00f').gif().toBuffer();
    const err = await errorOf(decodeImage(gif, { width: 8, height: 8, maxInputPixels: 100 }));
    expect(err.message).toMatch(/send a PNG, JPEG or WebP/);
  });

  it('refuses a picture over the pixel limit, naming the limit and the size', async () => {
    const png = await solid(300, 200, '#fff').png().toBuffer();
    const err = await errorOf(
      decodeImage(png, { width: 8, height: 8, maxInputPixels: 50_000, field: 'inputs.image' }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'inputs.image is larger than 50000 pixels (it is 300x200): send a smaller picture',
    );
  });
});
