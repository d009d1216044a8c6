// Inpaint tells what it did with the mask: an inverted mask is recorded in the PNG's parameters, and a
// mask of another size than the picture is scaled to it with a warning (it still lines up).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../../renderer/image/png-text.ts';
import type { ModelCache } from '../../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../../renderer/pipelines/run-pipeline.ts';
import { testModelCache } from '../../helpers/built-in-models.ts';
import { meanAbsDiff, rgbOf } from '../../helpers/picture.ts';

const size = 128;
let cache: ModelCache;
let picture: Buffer;
const base: RenderRequest = {
  prompt: 'a yellow square on the grass',
  negativePrompt: '',
  width: size,
  height: size,
  steps: 6,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 2,
  count: 1,
  strength: 1,
};

/** A white square from `from` to `to` (the region to repaint) on black, `side` pixels wide. */
async function squareMask(side: number, from: number, to: number): Promise<Buffer> {
  const raw = Buffer.alloc(side * side * 3);
  for (let y = from; y < to; y++)
    for (let x = from; x < to; x++) raw.fill(255, (y * side + x) * 3, (y * side + x) * 3 + 3);
  return sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  cache = await testModelCache();
  picture = (await runPipeline(cache, 'toy', { ...base, prompt: 'a red circle on a blue sky' })).images[0]
    .png;
});

describe('inpaint notices', () => {
  it('records an inverted mask in the PNG parameters', async () => {
    const mask = await squareMask(size, 48, 80);
    const inverted = await runPipeline(cache, 'toy', {
      ...base,
      image: picture,
      mask,
      maskOptions: { blur: 2, invert: true },
    });
    expect(readPngText(inverted.images[0].png).parameters).toContain(
      'Mask blur: 2, Mask mode: Inpaint not masked',
    );
    const plain = await runPipeline(cache, 'toy', {
      ...base,
      image: picture,
      mask,
      maskOptions: { blur: 2, invert: false },
    });
    expect(readPngText(plain.images[0].png).parameters).not.toContain('Mask mode');
  });

  it('scales a mask of another size to the picture and says so', async () => {
    // Half the picture's size: the square 24..40 covers 48..80 once scaled.
    const mask = await squareMask(size / 2, 24, 40);
    const result = await runPipeline(cache, 'toy', {
      ...base,
      image: picture,
      mask,
      maskOptions: { blur: 0, invert: false },
    });
    expect(result.warnings).toEqual([
      'the mask is 64x64 but the picture is 128x128: the mask was scaled to cover the picture and centre-cropped',
    ]);
    const dir = path.join(tmpdir(), 'inpaint-notices');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'scaled-mask.png'), result.images[0].png);
    // It lines up: the same as the same square drawn at the picture's own size, which warns of nothing.
    const native = await runPipeline(cache, 'toy', {
      ...base,
      image: picture,
      mask: await squareMask(size, 48, 80),
      maskOptions: { blur: 0, invert: false },
    });
    expect(native.warnings).toEqual([]);
    const [a, b] = await Promise.all([rgbOf(native.images[0].png), rgbOf(result.images[0].png)]);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.5);
  });
});
