// Editing pictures with the toy model through the renderer's pipelines: inpainting one third of a
// two-object picture draws what the prompt asks there and keeps every pixel outside the mask, with
// the 9-channel sibling and with base-model blending; img2img keeps the layout at low strength and
// follows the prompt at high strength.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelCache } from '../../renderer/model/model-cache.ts';
import { inpaint } from '../../renderer/pipelines/inpaint.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { testModelCache } from '../helpers/built-in-models.ts';
import { pixel, type Rgb, rgbOf } from '../helpers/picture.ts';
import { mismatches, readScene, readShape } from './toy-scene-check.ts';

const size = 256;
/** The right third, from a latent cell boundary (21 of 32 cells) to the right edge. */
const maskFrom = 168;
const base: RenderRequest = {
  prompt: 'a red circle on the left and a yellow square on the right, grass',
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

let cache: ModelCache;
let twoObjects: Buffer;
let mask: Buffer;
beforeAll(async () => {
  cache = await testModelCache();
  twoObjects = (await runPipeline(cache, 'toy', base)).images[0].png;
  save(twoObjects, 'edit-input');
  // The input really shows the two objects on grass.
  expect(readScene(await rgbOf(twoObjects))).toMatchObject({
    background: 'grass',
    left: 'red',
    right: 'yellow',
  });
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) raw.fill(255, (y * size + maskFrom) * 3, (y + 1) * size * 3);
  mask = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
});

function save(png: Buffer, name: string): void {
  const dir = path.join('var', 'test-pictures', 'models');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.png`), png);
}

/** How many pixels left of the mask differ at all from the input. */
function changedOutside(a: Rgb, b: Rgb): number {
  let changed = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < maskFrom; x++) {
      const p = pixel(a, x, y);
      const q = pixel(b, x, y);
      if (p[0] !== q[0] || p[1] !== q[1] || p[2] !== q[2]) changed++;
    }
  return changed;
}

describe('inpainting one third as prompted', () => {
  const request = {
    ...base,
    prompt: 'a blue circle on the right',
    maskOptions: { blur: 0, invert: false },
  };

  it('with the 9-channel sibling: the left object stays, a blue circle appears on the right', async () => {
    const result = await runPipeline(cache, 'toy', { ...request, image: twoObjects, mask });
    expect(result.model).toBe('toy-inpaint');
    save(result.images[0].png, 'edit-inpaint-sibling');
    const [a, b] = await Promise.all([rgbOf(twoObjects), rgbOf(result.images[0].png)]);
    expect(changedOutside(a, b)).toBe(0);
    expect(mismatches(readScene(b), { background: 'grass', left: 'red', right: 'blue' })).toEqual([]);
    expect(readShape(b, 'right')).toBe('circle');
  });

  it('with base-model blending: the same, from the base model alone', async () => {
    const model = await cache.get('toy');
    expect(model.isInpaint).toBe(false);
    for (const seed of [1, 2]) {
      const result = await inpaint(model, { ...request, seed, image: twoObjects, mask });
      save(result.images[0].png, `edit-inpaint-blend-${seed}`);
      const [a, b] = await Promise.all([rgbOf(twoObjects), rgbOf(result.images[0].png)]);
      expect(changedOutside(a, b), `seed ${seed}`).toBe(0);
      expect(
        mismatches(readScene(b), { background: 'grass', left: 'red', right: 'blue' }),
        `seed ${seed}`,
      ).toEqual([]);
      expect(readShape(b, 'right'), `seed ${seed}`).toBe('circle');
    }
  });
});

describe('img2img strength', () => {
  const remix = { ...base, prompt: 'a blue triangle on the left, snow' };

  it('keeps the layout at strength 0.2', async () => {
    const result = await runPipeline(cache, 'toy', { ...remix, image: twoObjects, strength: 0.2 });
    save(result.images[0].png, 'edit-img2img-0.2');
    const reading = readScene(await rgbOf(result.images[0].png));
    expect(mismatches(reading, { background: 'grass', left: 'red', right: 'yellow' })).toEqual([]);
  });

  it('follows the prompt at strength 0.9', async () => {
    const result = await runPipeline(cache, 'toy', { ...remix, image: twoObjects, strength: 0.9 });
    save(result.images[0].png, 'edit-img2img-0.9');
    const reading = readScene(await rgbOf(result.images[0].png));
    expect(mismatches(reading, { background: 'snow', left: 'blue' })).toEqual([]);
  });
});
