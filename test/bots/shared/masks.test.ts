import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fitMask, looksLikeMask, maskFromScribble } from '../../../bots/shared/masks.ts';

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });

async function whiteBox(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  let minX = info.width;
  let minY = info.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (data[(y * info.width + x) * info.channels] === 0) continue;
      count++;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return { count, minX, minY, maxX, maxY, info };
}

describe('masks from chat pictures', () => {
  it('finds a scribble on a recompressed copy, grown a little, and nothing elsewhere', async () => {
    const photo = await solid(128, 96, '#3366cc').jpeg().toBuffer();
    const stroke = await solid(30, 20, '#ffffff').png().toBuffer();
    const scribbled = await sharp(photo)
      .composite([{ input: stroke, left: 10, top: 10 }])
      .jpeg({ quality: 60 })
      .toBuffer();
    const box = await whiteBox(await maskFromScribble(photo, scribbled, { dilate: 4 }));
    expect(box.info).toMatchObject({ width: 128, height: 96 });
    expect(box.minX).toBeGreaterThanOrEqual(4);
    expect(box.minX).toBeLessThanOrEqual(7);
    expect(box.maxX).toBeGreaterThanOrEqual(43);
    expect(box.maxX).toBeLessThanOrEqual(45);
    expect(box.maxY).toBeLessThanOrEqual(35);
    expect(box.count).toBeLessThanOrEqual(40 * 30);
  });

  it('reads a scribbled copy of another size at the original size', async () => {
    const photo = await solid(64, 64, '#202020').png().toBuffer();
    const bigger = await solid(128, 128, '#202020')
      .composite([{ input: await solid(64, 64, '#ff0000').png().toBuffer(), left: 64, top: 64 }])
      .png()
      .toBuffer();
    const box = await whiteBox(await maskFromScribble(photo, bigger, { dilate: 0 }));
    expect(box.info).toMatchObject({ width: 64, height: 64 });
    expect([box.minX, box.minY, box.maxX, box.maxY]).toEqual([32, 32, 63, 63]);
  });

  it('fits a mask of another size and says so; an all-black mask is empty', async () => {
    const mask = await solid(64, 48, '#000000')
      .composite([{ input: await solid(20, 10, '#ffffff').png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const fitted = await fitMask(mask, 128, 96);
    expect(fitted).toMatchObject({ resized: true, empty: false });
    const box = await whiteBox(fitted.png);
    expect(box.info).toMatchObject({ width: 128, height: 96 });
    expect([box.minX, box.minY]).toEqual([0, 0]);
    // Scaling up by two blurs the edge by a pixel at most.
    expect(box.maxX).toBeGreaterThanOrEqual(39);
    expect(box.maxX).toBeLessThanOrEqual(40);
    expect(box.maxY).toBeGreaterThanOrEqual(19);
    expect(box.maxY).toBeLessThanOrEqual(20);
    const same = await fitMask(mask, 64, 48);
    expect(same.resized).toBe(false);
    const black = await fitMask(await solid(8, 8, '#000000').png().toBuffer(), 16, 16);
    expect(black.empty).toBe(true);
  });

  it('tells a black-and-white mask from a scribbled photo', async () => {
    const mask = await solid(64, 64, '#000000')
      .composite([{ input: await solid(20, 20, '#ffffff').png().toBuffer(), left: 5, top: 5 }])
      .jpeg()
      .toBuffer();
    const photo = await solid(64, 64, '#3366cc')
      .composite([{ input: await solid(20, 20, '#ffffff').png().toBuffer(), left: 5, top: 5 }])
      .jpeg()
      .toBuffer();
    expect(await looksLikeMask(mask)).toBe(true);
    expect(await looksLikeMask(photo)).toBe(false);
  });
});
