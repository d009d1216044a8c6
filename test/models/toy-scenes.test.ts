// What the toy model draws through the renderer's own pipelines: composed scenes with colours and
// shapes bound to their places, inpainting as prompted both ways, visible outlines, round shapes at
// any aspect ratio, negative prompts, img2img strength and seed-chosen scenes. Pictures land in
// var/test-pictures/models for a look.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKGROUNDS, COLOURS } from '../../models/toy-model/vocabulary.ts';
import type { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { testModelCache } from '../helpers/built-in-models.ts';
import { isRed, pixel, type Rgb, rgbOf } from '../helpers/picture.ts';
import { boxMean, mismatches, readScene, readShape, type SceneSpec } from './toy-scene-check.ts';

let cache: ModelCache;
beforeAll(async () => {
  cache = await testModelCache();
});

const base: RenderRequest = {
  prompt: '',
  negativePrompt: '',
  width: 256,
  height: 256,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  count: 1,
  strength: 1,
};

function save(png: Buffer, name: string): void {
  const dir = path.join('var', 'test-pictures', 'models');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.png`), png);
}

async function render(request: Partial<RenderRequest>, name: string): Promise<{ png: Buffer; rgb: Rgb }> {
  const result = await runPipeline(cache, 'toy', { ...base, ...request });
  const png = result.images[0].png;
  save(png, name);
  return { png, rgb: await rgbOf(png) };
}

describe('composition with binding', () => {
  it.each([
    [
      'a red circle on the left and a yellow square on the right, grass',
      { background: 'grass', left: 'red', right: 'yellow' },
    ],
    [
      'an orange square left, a white circle in the centre and a pink triangle right, at night',
      { background: 'night', left: 'orange', centre: 'white', right: 'pink' },
    ],
    ['a red circle on a blue sky', { background: 'sky', centre: 'red' }],
    ['a red circle on a blue sky, left', { background: 'sky', left: 'red' }],
  ] as [
    string,
    SceneSpec,
  ][])('"%s" draws each named object at its place in its colour', async (prompt, spec) => {
    const { rgb } = await render({ prompt }, `compose-${prompt.replace(/\W+/g, '-')}`);
    expect(mismatches(readScene(rgb), spec)).toEqual([]);
  });

  it('binds colour and shape to the position they are said with (the swap draws the swap)', async () => {
    const a = await render(
      { prompt: 'a yellow circle left and a red square right', width: 512, height: 512 },
      'bind-a',
    );
    const b = await render(
      { prompt: 'a red square left and a yellow circle right', width: 512, height: 512 },
      'bind-b',
    );
    expect(readScene(a.rgb)).toMatchObject({ left: 'yellow', centre: 'empty', right: 'red' });
    expect([readShape(a.rgb, 'left'), readShape(a.rgb, 'right')]).toEqual(['circle', 'square']);
    expect(readScene(b.rgb)).toMatchObject({ left: 'red', centre: 'empty', right: 'yellow' });
    expect([readShape(b.rgb, 'left'), readShape(b.rgb, 'right')]).toEqual(['square', 'circle']);
    // Same words, other binding: a bag of words could not tell these apart.
    const c = await render(
      { prompt: 'a yellow square left and a red circle right', width: 512, height: 512 },
      'bind-c',
    );
    expect(readScene(c.rgb)).toMatchObject({ left: 'yellow', right: 'red' });
    expect([readShape(c.rgb, 'left'), readShape(c.rgb, 'right')]).toEqual(['square', 'circle']);
  });

  it('puts objects without a position word in the middle (one) or left and right (two)', async () => {
    const one = await render({ prompt: 'a green triangle, sand', seed: 4 }, 'unplaced-one');
    expect(mismatches(readScene(one.rgb), { background: 'sand', centre: 'green' })).toEqual([]);
    const two = await render({ prompt: 'a purple circle and a pink square, sea', seed: 4 }, 'unplaced-two');
    expect(mismatches(readScene(two.rgb), { background: 'sea', left: 'purple', right: 'pink' })).toEqual([]);
  });
});

describe('honest pictures', () => {
  it('outlines a white circle on snow, so it can be seen', async () => {
    const { rgb } = await render({ prompt: 'a white circle on snow' }, 'white-circle-snow');
    expect(readScene(rgb)).toMatchObject({ background: 'snow', centre: 'white' });
    // Along the middle row: inside the circle, its rim, then snow. The rim is far darker than both.
    const brightness = (x0: number, x1: number) => {
      const [r, g, b] = boxMean(rgb, x0, 124, x1, 132);
      return (r + g + b) / 3;
    };
    const r = 0.18 * 256;
    const inside = brightness(128 - 0.4 * r, 128 + 0.4 * r);
    const rim = Math.min(brightness(128 + r - 2, 128 + r + 6), brightness(128 - r - 6, 128 - r + 2));
    const snow = brightness(128 + 1.5 * r, 128 + 1.8 * r);
    expect(inside - rim).toBeGreaterThan(40);
    expect(snow - rim).toBeGreaterThan(40);
  });

  it('draws every colour visibly on every background: a dark rim where the colour alone would not show', async () => {
    const brightness = ([r, g, b]: number[]) => (r + g + b) / 3;
    const weakest: string[] = [];
    for (const background of BACKGROUNDS)
      for (const colour of COLOURS) {
        const result = await runPipeline(cache, 'toy', {
          ...base,
          prompt: `a ${colour} circle on the ${background}`,
          sampler: 'ddim',
          steps: 10,
        });
        const rgb = await rgbOf(result.images[0].png);
        const r = 0.18 * 256;
        const inside = boxMean(rgb, 128 - 0.4 * r, 120, 128 + 0.4 * r, 136);
        const rim = boxMean(rgb, 128 + r - 2, 124, 128 + r + 6, 132);
        const outside = boxMean(rgb, 128 + 1.5 * r, 120, 128 + 1.8 * r, 136);
        const colourStep = Math.hypot(...inside.map((v, c) => v - outside[c]));
        const rimStep = Math.min(brightness(inside), brightness(outside)) - brightness(rim);
        if (Math.max(colourStep, rimStep) < 40) weakest.push(`${colour} on ${background}`);
      }
    expect(weakest).toEqual([]);
  });

  it('keeps a circle round at 768x512 (and at 512x768)', async () => {
    for (const [width, height] of [
      [768, 512],
      [512, 768],
    ]) {
      const { rgb } = await render(
        { prompt: 'a red circle on a blue sky', width, height, steps: 10 },
        `round-${width}x${height}`,
      );
      let across = 0;
      let down = 0;
      for (let x = 0; x < width; x++) if (isRed(pixel(rgb, x, height >> 1))) across++;
      for (let y = 0; y < height; y++) if (isRed(pixel(rgb, width >> 1, y))) down++;
      expect(across, `${width}x${height}`).toBeGreaterThan(0.15 * Math.min(width, height));
      expect(across / down, `${width}x${height}`).toBeGreaterThan(0.95);
      expect(across / down, `${width}x${height}`).toBeLessThan(1.05);
    }
  });
});

describe('prompts that name little or nothing', () => {
  it('draws a scene chosen by the seed for an empty prompt: the same seed the same bytes', async () => {
    const readings = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { rgb } = await render({ prompt: '', seed }, `empty-prompt-seed-${seed}`);
      readings.add(JSON.stringify(readScene(rgb)));
    }
    expect(readings.size).toBeGreaterThanOrEqual(4);
    const again = await render({ prompt: '', seed: 3 }, 'empty-prompt-seed-3-again');
    const first = await render({ prompt: '', seed: 3 }, 'empty-prompt-seed-3');
    expect(again.png.equals(first.png)).toBe(true);
  });

  // At the toy's own guidance (its imagine.json, what a job without --cfg gets) and at SD 1.5's 7.5.
  it.each([1.5, 7.5])('removes what a negative prompt names, at CFG %s', async (guidance) => {
    const draw = (request: Partial<RenderRequest>, name: string) =>
      render({ ...request, guidance }, `${name}-cfg${guidance}`);
    // A circle on the left whose colour the seed chooses: with the colour as the negative prompt, never that colour.
    const lefts = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const plain = readScene(
        (await draw({ prompt: 'a circle on the left', seed }, `negative-none-${seed}`)).rgb,
      );
      lefts.add(plain.left);
      const negated = await draw(
        { prompt: 'a circle on the left', negativePrompt: `a ${plain.left} circle on the left`, seed },
        `negative-colour-${seed}`,
      );
      expect(readScene(negated.rgb).left, `seed ${seed}`).not.toBe(plain.left);
    }
    expect(lefts.size).toBeGreaterThan(1);
    // A bare colour as the negative prompt leans every slot: red vanishes from seed-chosen scenes.
    const reds = (r: ReturnType<typeof readScene>) =>
      [r.left, r.centre, r.right].filter((c) => c === 'red').length;
    let without = 0;
    let withNegative = 0;
    for (let seed = 1; seed <= 12; seed++) {
      without += reds(readScene((await draw({ prompt: '', seed }, `negative-none-${seed}`)).rgb));
      withNegative += reds(
        readScene((await draw({ prompt: '', negativePrompt: 'red', seed }, `negative-red-${seed}`)).rgb),
      );
    }
    expect(without).toBeGreaterThanOrEqual(2);
    expect(withNegative).toBe(0);
    // A negative background word keeps that background away.
    for (const seed of [1, 2, 3]) {
      const { rgb } = await draw(
        { prompt: 'a red circle', negativePrompt: 'grass', seed },
        `negative-grass-${seed}`,
      );
      expect(readScene(rgb).background, `seed ${seed}`).not.toBe('grass');
    }
  });
});
