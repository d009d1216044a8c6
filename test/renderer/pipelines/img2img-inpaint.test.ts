import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import type { ModelCache } from '../../../renderer/model/model-cache.ts';
import { inpaint } from '../../../renderer/pipelines/inpaint.ts';
import type { RenderRequest } from '../../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../../renderer/pipelines/run-pipeline.ts';
import { testModelCache } from '../../helpers/built-in-models.ts';
import {
  cornerShare,
  isBlue,
  isGreen,
  isRed,
  isYellow,
  meanAbsDiff,
  pixel,
  type Rgb,
  rgbOf,
  share,
} from '../../helpers/picture.ts';

let cache: ModelCache;
let redCircle: Buffer;
const size = 256;
const base: RenderRequest = {
  prompt: 'a red circle on a blue sky, centre',
  negativePrompt: '',
  width: size,
  height: size,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  count: 1,
  strength: 1,
};

/** A white square in the middle (the region to repaint) on black, as a PNG. */
async function centreMask(from: number, to: number): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let y = from; y < to; y++)
    for (let x = from; x < to; x++) raw.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** Pixels farther than `margin` outside the mask square must be exactly the input's. */
function outsideEqual(a: Rgb, b: Rgb, from: number, to: number, margin: number): boolean {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (x >= from - margin && x < to + margin && y >= from - margin && y < to + margin) continue;
      const p = pixel(a, x, y);
      const q = pixel(b, x, y);
      if (p[0] !== q[0] || p[1] !== q[1] || p[2] !== q[2]) return false;
    }
  }
  return true;
}

beforeAll(async () => {
  cache = await testModelCache();
  redCircle = (await runPipeline(cache, 'toy', base)).images[0].png;
  const input = await rgbOf(redCircle);
  // The input really is a red circle in the middle of a sky.
  expect(share(input, isRed, { x0: 100, y0: 100, x1: 156, y1: 156 })).toBeGreaterThan(0.9);
  expect(cornerShare(input, isBlue)).toBeGreaterThan(0.9);
});

describe('img2img', () => {
  const remix = { ...base, prompt: 'a yellow square on the grass', image: undefined as Buffer | undefined };

  it('stays near the input at strength 0.2', async () => {
    const result = await runPipeline(cache, 'toy', { ...remix, image: redCircle, strength: 0.2 });
    expect(result.pipeline).toBe('img2img');
    const [a, b] = await Promise.all([rgbOf(redCircle), rgbOf(result.images[0].png)]);
    expect(meanAbsDiff(a, b)).toBeLessThan(8);
    expect(cornerShare(b, isBlue)).toBeGreaterThan(0.9);
  });

  it('follows the prompt at strength 0.9, and entirely at 1', async () => {
    const result = await runPipeline(cache, 'toy', { ...remix, image: redCircle, strength: 0.9 });
    const b = await rgbOf(result.images[0].png);
    // The subject follows the prompt; the large background is still evidence enough to keep.
    expect(share(b, isYellow)).toBeGreaterThan(0.02);
    expect(share(b, isRed)).toBeLessThan(0.005);
    const full = await rgbOf(
      (await runPipeline(cache, 'toy', { ...remix, image: redCircle, strength: 1 })).images[0].png,
    );
    expect(cornerShare(full, isGreen)).toBeGreaterThan(0.9);
    expect(share(full, isYellow)).toBeGreaterThan(0.02);
  });

  it('refuses a picture that cannot be read, saying what to send', async () => {
    await expect(
      runPipeline(cache, 'toy', { ...remix, image: Buffer.from('not a picture') }),
    ).rejects.toThrow('image could not be read as a picture: send a PNG, JPEG or WebP');
  });
});

describe('inpaint', () => {
  const from = 80;
  const to = 176;

  it('with the 9-channel inpaint model fills the mask from the prompt and keeps the rest exactly', async () => {
    const mask = await centreMask(from, to);
    const result = await runPipeline(cache, 'toy', {
      ...base,
      prompt: 'a yellow square',
      image: redCircle,
      mask,
      maskOptions: { blur: 4, invert: false },
    });
    expect(result.model).toBe('toy-inpaint');
    const [a, b] = await Promise.all([rgbOf(redCircle), rgbOf(result.images[0].png)]);
    expect(outsideEqual(a, b, from, to, 4)).toBe(true);
    const inside = { x0: from + 8, y0: from + 8, x1: to - 8, y1: to - 8 };
    expect(share(b, isYellow, inside)).toBeGreaterThan(0.3);
    expect(share(b, isRed, inside)).toBeLessThan(0.02);
  });

  it('with a base model blends the known region each step: exact outside, changed inside', async () => {
    const mask = await centreMask(from, to);
    const model = await cache.get('toy');
    expect(model.isInpaint).toBe(false);
    const result = await inpaint(model, {
      ...base,
      prompt: 'a yellow square',
      image: redCircle,
      mask,
      maskOptions: { blur: 0, invert: false },
    });
    const [a, b] = await Promise.all([rgbOf(redCircle), rgbOf(result.images[0].png)]);
    expect(outsideEqual(a, b, from, to, 0)).toBe(true);
    const inside = { x0: from, y0: from, x1: to, y1: to };
    let changed = 0;
    for (let y = inside.y0; y < inside.y1; y++) {
      for (let x = inside.x0; x < inside.x1; x++)
        if (pixel(a, x, y).some((v, c) => Math.abs(v - pixel(b, x, y)[c]) > 30)) changed++;
    }
    expect(changed / ((to - from) * (to - from))).toBeGreaterThan(0.2);
  });

  it('inverts the mask on request', async () => {
    // Keep only a patch inside the circle: what stays visible says "red", not "sky".
    const [from, to] = [112, 144];
    const mask = await centreMask(from, to);
    const result = await runPipeline(cache, 'toy', {
      ...base,
      prompt: 'a red circle on the grass',
      image: redCircle,
      mask,
      maskOptions: { blur: 0, invert: true },
    });
    const [a, b] = await Promise.all([rgbOf(redCircle), rgbOf(result.images[0].png)]);
    // The middle is kept exactly; the sky around it was repainted.
    for (let y = from; y < to; y += 7)
      for (let x = from; x < to; x += 7) expect(pixel(b, x, y)).toEqual(pixel(a, x, y));
    expect(cornerShare(b, isBlue)).toBeLessThan(0.5);
  });

  it('refuses an empty mask, saying what to do', async () => {
    const empty = await sharp({ create: { width: size, height: size, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const run = runPipeline(cache, 'toy', { ...base, image: redCircle, mask: empty });
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toThrow('mask is empty: paint the region to change in white');
  });
});
