import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/index.ts';
import { maskToLatent, prepareMask } from '../../../renderer/image/mask.ts';

/** A grey PNG, `value` inside the rectangle [x0, x1) x [y0, y1), `outside` elsewhere. */
function rectMask(w: number, h: number, rect: [number, number, number, number], value = 255, outside = 0) {
  const raw = Buffer.alloc(w * h, outside);
  const [x0, y0, x1, y1] = rect;
  for (let y = y0; y < y1; y++) raw.fill(value, y * w + x0, y * w + x1);
  return sharp(raw, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

/** An RGBA PNG from a per-pixel function. */
function rgbaPng(w: number, h: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const raw = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(pixel(x, y), (y * w + x) * 4);
  return sharp(raw, { raw: { width: w, height: h, channels: 4 } })
    .png()
    .toBuffer();
}

const inRect = (x: number, y: number, [x0, y0, x1, y1]: number[]) => x >= x0 && x < x1 && y >= y0 && y < y1;

function expectRect(hard: Float32Array, w: number, h: number, rect: number[]): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) expect(hard[y * w + x], `(${x}, ${y})`).toBe(inRect(x, y, rect) ? 1 : 0);
  }
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('prepareMask', () => {
  const rect = [8, 4, 20, 12];

  it('reads white as repaint, black as keep', async () => {
    const png = await rectMask(32, 16, [8, 4, 20, 12]);
    const { hard, soft } = await prepareMask(png, { width: 32, height: 16, blur: 0 });
    expectRect(hard, 32, 16, rect);
    expect(Array.from(soft)).toEqual(Array.from(hard));
  });

  it('thresholds the luminance at 0.5 by default and at the given level otherwise', async () => {
    const png = await rectMask(32, 16, [8, 4, 20, 12], 140, 100);
    expectRect((await prepareMask(png, { width: 32, height: 16, blur: 0 })).hard, 32, 16, rect);
    const low = await prepareMask(png, { width: 32, height: 16, blur: 0, threshold: 0.6 }).catch((e) => e);
    expect(low.message).toBe('mask is empty: paint the region to change in white');
  });

  it('weighs colours by luminance as PIL does (pure green is light, pure blue is dark)', async () => {
    const png = await rgbaPng(4, 1, (x) => (x < 2 ? [0, 255, 0, 255] : [0, 0, 255, 255]));
    const { hard } = await prepareMask(png, { width: 4, height: 1, blur: 0 });
    expect(Array.from(hard)).toEqual([1, 1, 0, 0]);
  });

  it('inverts', async () => {
    const png = await rectMask(32, 16, [8, 4, 20, 12]);
    const { hard } = await prepareMask(png, { width: 32, height: 16, blur: 0, invert: true });
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 32; x++) expect(hard[y * 32 + x]).toBe(inRect(x, y, rect) ? 0 : 1);
  });

  it('resizes a mask of another size onto the job size', async () => {
    // Drawn at 4x the job size: the rectangle lands at a quarter of its coordinates.
    const png = await rectMask(128, 64, [32, 16, 80, 48]);
    const { hard } = await prepareMask(png, { width: 32, height: 16, blur: 0 });
    expectRect(hard, 32, 16, rect);
  });

  it('crops a mask of another shape like the picture (cover, centre)', async () => {
    // 64x16 mask into 16x16: the middle 16x16 of the 64 columns is kept, i.e. columns 24..39.
    const png = await rectMask(64, 16, [28, 0, 32, 16]);
    const { hard } = await prepareMask(png, { width: 16, height: 16, blur: 0 });
    expectRect(hard, 16, 16, [4, 0, 8, 16]);
  });

  it('says so when the mask is empty or covers everything', async () => {
    const black = await rectMask(16, 16, [0, 0, 0, 0]);
    const white = await rectMask(16, 16, [0, 0, 16, 16]);
    const empty = await errorOf(prepareMask(black, { width: 16, height: 16, blur: 4 }));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.message).toBe('mask is empty: paint the region to change in white');
    const full = await errorOf(prepareMask(white, { width: 16, height: 16, blur: 4 }));
    expect(full).toBeInstanceOf(ValidationError);
    expect(full.message).toBe('mask covers the whole picture: use remix instead');
    const invertedEmpty = await errorOf(prepareMask(white, { width: 16, height: 16, blur: 0, invert: true }));
    expect(invertedEmpty.message).toBe('mask is empty once inverted: leave the region to change black');
  });

  it('refuses bytes that are not a picture', async () => {
    const err = await errorOf(prepareMask(Buffer.from([1, 2, 3]), { width: 8, height: 8, blur: 0 }));
    expect(err.message).toBe('mask could not be read as a picture: send a PNG, JPEG or WebP');
    const png = await rectMask(64, 64, [0, 0, 8, 8]);
    const big = await errorOf(prepareMask(png, { width: 8, height: 8, blur: 0, maxInputPixels: 1000 }));
    expect(big.message).toBe('mask is larger than 1000 pixels (it is 64x64): send a smaller picture');
  });

  it('feathers outside the mask only, reaching exactly 0 beyond the blur radius', async () => {
    const w = 48;
    const h = 40;
    const png = await rectMask(w, h, [20, 16, 28, 24]);
    const blur = 5;
    const { hard, soft } = await prepareMask(png, { width: w, height: h, blur });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        // Distance to the nearest masked pixel centre.
        const dx = Math.max(20 - x, 0, x - 27);
        const dy = Math.max(16 - y, 0, y - 23);
        const d = Math.hypot(dx, dy);
        if (hard[i] === 1) expect(soft[i]).toBe(1);
        else if (d > blur) expect(soft[i], `(${x}, ${y}) at ${d}`).toBe(0);
        else {
          expect(soft[i]).toBeGreaterThan(0);
          expect(soft[i]).toBeLessThan(1);
        }
      }
    }
    // Falls off with distance: 1, 2, ... 5 pixels left of the mask, then 0.
    const row = 20 * w;
    const profile = [19, 18, 17, 16, 15, 14].map((x) => soft[row + x]);
    for (let k = 1; k < profile.length; k++) expect(profile[k]).toBeLessThan(profile[k - 1]);
    expect(profile[5]).toBe(0);
  });

  it('reads a picture with an erased region: transparent = repaint', async () => {
    // A colourful picture, opaque except the erased rectangle.
    const png = await rgbaPng(32, 16, (x, y) => [
      (x * 8) % 256,
      (y * 16) % 256,
      90,
      inRect(x, y, rect) ? 0 : 255,
    ]);
    expectRect((await prepareMask(png, { width: 32, height: 16, blur: 0 })).hard, 32, 16, rect);
  });

  it('reads white strokes on a transparent sheet: the strokes = repaint', async () => {
    // Outside the strokes fully transparent (with black or even white colour underneath).
    const png = await rgbaPng(32, 16, (x, y) =>
      inRect(x, y, rect) ? [255, 255, 255, 255] : x % 2 ? [0, 0, 0, 0] : [255, 255, 255, 0],
    );
    expectRect((await prepareMask(png, { width: 32, height: 16, blur: 0 })).hard, 32, 16, rect);
  });
});

describe('maskToLatent', () => {
  it('samples the top-left pixel of each 8x8 block, as torch nearest interpolation does', () => {
    const w = 32;
    const h = 16;
    const hard = new Float32Array(w * h);
    hard[0] = 1; // top-left of block (0, 0)
    hard[8 * w + 17] = 1; // inside block (2, 1), not its corner: missed, as in diffusers
    hard[8 * w + 24] = 1; // top-left of block (3, 1)
    const latent = maskToLatent(hard, w, h);
    expect(latent.length).toBe(4 * 2);
    expect(Array.from(latent)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
  });
});
