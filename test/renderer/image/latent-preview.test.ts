import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { latentPreview, latentToRgb } from '../../../renderer/image/latent-preview.ts';

/** [1, 4, h, w] latents with every pixel set to `values`. */
function filled(values: number[], w: number, h: number): Float32Array {
  const plane = w * h;
  const out = new Float32Array(values.length * plane);
  for (const [c, v] of values.entries()) out.fill(v, c * plane, (c + 1) * plane);
  return out;
}

async function meanColour(jpeg: Buffer): Promise<number[]> {
  const { channels } = await sharp(jpeg).stats();
  return channels.slice(0, 3).map((c) => c.mean);
}

describe('latentPreview', () => {
  it('gives a JPEG 8x the latent size by default, or the size asked for', async () => {
    const latents = filled([0, 0, 0, 0], 12, 8);
    const jpeg = await latentPreview(latents, 0, 12, 8);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 96, 64]);
    const small = await sharp(await latentPreview(latents, 0, 12, 8, { width: 30, height: 20 })).metadata();
    expect([small.width, small.height]).toEqual([30, 20]);
  });

  it('follows the latent with the SD 1.5 factors: this latent reads red', async () => {
    // With the SD 1.5 fit, +2 on channel 1 and -2 on channels 2 and 3 gives R 0.62, G -0.89, B -0.37.
    const [r, g, b] = await meanColour(await latentPreview(filled([2, -2, -2, 0], 8, 8), 0, 8, 8));
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(40);
    expect(b).toBeLessThan(100);
    expect(r - Math.max(g, b)).toBeGreaterThan(100);
    // and the opposite latent reads cyan-ish, not red.
    const [r2, g2, b2] = await meanColour(await latentPreview(filled([-2, 2, 2, 0], 8, 8), 0, 8, 8));
    expect(r2).toBeLessThan(Math.min(g2, b2));
  });

  it('maps exactly with given factors and bias, and picks the batch entry', () => {
    const factors = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ];
    const two = new Float32Array(2 * 4);
    two.set([0, 0, 0, 0], 0);
    two.set([1, -1, 0, 5], 4);
    expect(Array.from(latentToRgb(two, 1, 1, 1, factors, [0, 0, 0.5]))).toEqual([255, 0, 191]);
    expect(Array.from(latentToRgb(two, 0, 1, 1, factors, [0, 0, 0]))).toEqual([128, 128, 128]);
    expect(() => latentToRgb(two, 2, 1, 1, factors)).toThrow(/outside/);
  });
});
