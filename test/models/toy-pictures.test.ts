// What the toy model draws, run straight on its ONNX sessions: DDIM with guidance from seeded noise,
// then the VAE decoder. Pictures land in var/test-pictures/models for a look.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../helpers/built-in-models.ts';
import {
  cornerColours,
  decode,
  denoise,
  encode,
  looksBlue,
  looksRed,
  looksYellow,
  meanColour,
  openToy,
  type Picture,
  savePicture,
  type ToySessions,
} from './toy-sessions.ts';

let toy: ToySessions;
let inpaint: ToySessions;
beforeAll(async () => {
  const dir = await testModels();
  toy = await openToy(path.join(dir, 'toy'));
  inpaint = await openToy(path.join(dir, 'toy-inpaint'));
});

/** Mean colour of a 24x24 box around a point given as fractions of the picture. */
const around = (p: Picture, fx: number, fy: number) => {
  const x = Math.round(fx * p.width);
  const y = Math.round(fy * p.height);
  return meanColour(p, x - 12, y - 12, x + 12, y + 12);
};

const meanAbsDiff = (a: Picture, b: Picture, keep: (x: number, y: number) => boolean = () => true) => {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      if (!keep(x, y)) continue;
      for (let c = 0; c < 3; c++)
        sum += Math.abs(a.rgb[(y * a.width + x) * 3 + c] - b.rgb[(y * b.width + x) * 3 + c]);
      n += 3;
    }
  return sum / n;
};

describe('toy model pictures (DDIM on the raw sessions)', () => {
  it('draws a red circle on a blue sky at 512x512, in the centre when asked', async () => {
    const centre = await decode(
      toy,
      await denoise(toy, { prompt: 'a red circle on a blue sky, centre', seed: 1, latentSize: 64 }),
      64,
    );
    await savePicture(centre, 'red-circle-blue-sky-centre');
    expect(centre.width).toBe(512);
    expect(looksRed(around(centre, 0.5, 0.5))).toBe(true);
    for (const corner of cornerColours(centre)) expect(looksBlue(corner)).toBe(true);
    // Left and right of the circle is sky, so the red is one round shape, not a red picture.
    expect(looksBlue(around(centre, 0.2, 0.5))).toBe(true);
    expect(looksBlue(around(centre, 0.8, 0.5))).toBe(true);
  });

  it('without a position word puts the red circle in the middle of a blue sky', async () => {
    for (const seed of [1, 2, 3]) {
      const p = await decode(
        toy,
        await denoise(toy, { prompt: 'a red circle on a blue sky', seed, latentSize: 64 }),
        64,
      );
      await savePicture(p, `red-circle-blue-sky-seed-${seed}`);
      const redAt = [0.25, 0.5, 0.75].filter((fx) => looksRed(around(p, fx, 0.5)));
      expect(redAt).toEqual([0.5]);
      for (const corner of cornerColours(p)) expect(looksBlue(corner)).toBe(true);
    }
  });

  it('follows the other prompts of the design notes', async () => {
    const sand = await decode(
      toy,
      await denoise(toy, { prompt: 'a yellow triangle on the sand', seed: 2, latentSize: 64, steps: 20 }),
      64,
    );
    await savePicture(sand, 'yellow-triangle-sand');
    const sandy = ([r, g, b]: number[]) => r > 190 && g > 160 && b > 100 && b < 170 && r > b + 50;
    for (const corner of cornerColours(sand)) expect(sandy(corner)).toBe(true);
    // The triangle's middle is a little below the picture's middle.
    expect([0.25, 0.5, 0.75].filter((fx) => looksYellow(around(sand, fx, 0.55)))).toHaveLength(1);

    const night = await decode(
      toy,
      await denoise(toy, { prompt: 'a purple square at night, left', seed: 3, latentSize: 64, steps: 20 }),
      64,
    );
    await savePicture(night, 'purple-square-night-left');
    const purple = ([r, g, b]: number[]) => r > 110 && b > 160 && g < 80;
    expect(purple(around(night, 0.25, 0.5))).toBe(true);
    expect(purple(around(night, 0.75, 0.5))).toBe(false);
    for (const corner of cornerColours(night)) expect(Math.max(...corner)).toBeLessThan(90);
  });

  it('draws different scenes for an empty prompt with different seeds', async () => {
    const pictures: Picture[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const p = await decode(toy, await denoise(toy, { prompt: '', seed, latentSize: 32 }), 32);
      await savePicture(p, `empty-prompt-seed-${seed}`);
      pictures.push(p);
    }
    let different = 0;
    for (let i = 0; i < pictures.length; i++)
      for (let j = i + 1; j < pictures.length; j++)
        if (meanAbsDiff(pictures[i], pictures[j]) > 8) different++;
    expect(different).toBeGreaterThanOrEqual(5); // of 6 pairs
  });

  it('inpaint UNet fills a masked middle from the prompt and keeps what is visible', async () => {
    const h = 32;
    const original = await decode(
      inpaint,
      await denoise(inpaint, {
        prompt: 'a red circle on the sky, centre',
        seed: 4,
        latentSize: h,
        inpaint: { mask: new Float32Array(h * h).fill(1), maskedLatents: new Float32Array(4 * h * h) },
      }),
      h,
    );
    const size = original.width;
    expect(looksRed(around(original, 0.5, 0.5))).toBe(true);
    const inMask = (x: number, y: number) => x >= 64 && x < 192 && y >= 64 && y < 192;
    // Masked pixels become 0 in [-1, 1] (grey), as diffusers prepares the masked image.
    const masked: Picture = { ...original, rgb: original.rgb.slice() };
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        if (inMask(x, y)) masked.rgb.fill(127.5, (y * size + x) * 3, (y * size + x) * 3 + 3);
    const mask = new Float32Array(h * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < h; x++) mask[y * h + x] = inMask(x * 8, y * 8) ? 1 : 0;
    const maskedLatents = await encode(inpaint, masked);

    const filled = await decode(
      inpaint,
      await denoise(inpaint, {
        prompt: 'a yellow square',
        seed: 5,
        latentSize: h,
        inpaint: { mask, maskedLatents },
      }),
      h,
    );
    await savePicture(filled, 'inpaint-yellow-square');
    expect(looksYellow(around(filled, 0.5, 0.5))).toBe(true);
    for (const corner of cornerColours(filled)) expect(looksBlue(corner)).toBe(true);
    // Away from the mask's edge the picture is the original (up to the VAE's blur).
    const farOutside = (x: number, y: number) => x < 48 || x >= 208 || y < 48 || y >= 208;
    expect(meanAbsDiff(filled, original, farOutside)).toBeLessThan(6);
  });

  it('inpaint UNet draws what the prompt asks in the masked half and keeps the visible half', async () => {
    const h = 32;
    const original = await decode(
      toy,
      await denoise(toy, { prompt: 'a pink triangle on the grass, left', seed: 2, latentSize: h }),
      h,
    );
    const size = original.width;
    // The right half is masked; the triangle on the left stays visible.
    const masked: Picture = { ...original, rgb: original.rgb.slice() };
    for (let y = 0; y < size; y++) masked.rgb.fill(128, (y * size + size / 2) * 3, (y + 1) * size * 3);
    const mask = new Float32Array(h * h);
    for (let y = 0; y < h; y++) mask.fill(1, y * h + h / 2, (y + 1) * h);
    const maskedLatents = await encode(inpaint, masked);
    const leftHalf = (x: number) => x < size / 2 - 8;
    for (const seed of [1, 2, 3]) {
      const filled = await decode(
        inpaint,
        await denoise(inpaint, {
          prompt: 'a red circle on the right',
          seed,
          latentSize: h,
          inpaint: { mask, maskedLatents },
        }),
        h,
      );
      await savePicture(filled, `inpaint-right-half-${seed}`);
      expect(looksRed(around(filled, 0.75, 0.5)), `seed ${seed}`).toBe(true);
      expect(meanAbsDiff(filled, original, leftHalf), `seed ${seed}`).toBeLessThan(3);
    }
  });
});
