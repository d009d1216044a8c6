import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../../renderer/image/encode-image.ts';

const W = 16;
const H = 8;
const rgb = Buffer.alloc(W * H * 3);
for (let i = 0; i < W * H; i++) rgb.set(i % W < 8 ? [200, 30, 30] : [30, 30, 200], i * 3);

describe('encodeImage', () => {
  it('writes PNG losslessly and WebP/JPEG close to the pixels', async () => {
    for (const format of ['png', 'webp', 'jpeg'] as const) {
      const file = await encodeImage(rgb, W, H, format);
      const meta = await sharp(file).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, W, H]);
      const { data } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const errors = Array.from(data, (v, i) => Math.abs(v - rgb[i]));
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      if (format === 'png') expect(Math.max(...errors)).toBe(0);
      else expect(mean).toBeLessThan(10); // chroma subsampling blurs the red/blue edge, the rest holds
    }
  });

  it('makes smaller files at lower quality and refuses a bad quality', async () => {
    const noisy = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
    const high = await encodeImage(noisy, 64, 64, 'jpeg', 95);
    const low = await encodeImage(noisy, 64, 64, 'jpeg', 20);
    expect(low.length).toBeLessThan(high.length);
    await expect(encodeImage(noisy, 64, 64, 'webp', 0)).rejects.toThrow(/quality/);
    await expect(encodeImage(noisy, 63, 64, 'png')).rejects.toThrow(/expected/);
  });
});
