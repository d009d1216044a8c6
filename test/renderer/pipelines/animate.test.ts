// The animate pipeline on the built-in toy model: camera motions measured on the decoded video,
// img2img frames with colour coherence, progress per frame and step, seed morphs and prompt morphs.
// The toy model's posterior puts its objects at fixed places, so img2img at any strength draws the
// scene back where its prompt says; the camera-direction tests therefore run at strength 0 (the
// moved frame as it is), and the img2img tests check what img2img keeps.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import type { ModelCache } from '../../../renderer/model/model-cache.ts';
import { animate } from '../../../renderer/pipelines/animate.ts';
import type { AnimateRequest, AnimateResult } from '../../../renderer/pipelines/animate-request.ts';
import type { RenderProgress } from '../../../renderer/pipelines/render-request.ts';
import { txt2img } from '../../../renderer/pipelines/txt2img.ts';
import { decodeVideo } from '../../../renderer/video/decode-video.ts';
import { encodeVideo } from '../../../renderer/video/encode-video.ts';
import { testModelCache } from '../../helpers/built-in-models.ts';
import { bestOffset, countPixels, type Frame } from '../../helpers/frame-motion.ts';

let cache: ModelCache;
const size = 128;
const base: AnimateRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: size,
  height: size,
  steps: 8,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  strength: 0.45,
  frames: 6,
  fps: 8,
  motion: 'static',
};

beforeAll(async () => {
  cache = await testModelCache();
}, 120_000);

async function run(request: Partial<AnimateRequest>, progress?: RenderProgress[]): Promise<AnimateResult> {
  const model = await cache.get('toy');
  return animate(model, { ...base, ...request }, { onProgress: (p) => progress?.push(p) });
}

/** The clip through an MP4 and back: what a viewer gets. */
async function decodedFrames(result: AnimateResult): Promise<Frame[]> {
  const video = await encodeVideo(
    { width: result.width, height: result.height, fps: result.fps, frames: result.frames },
    { format: 'mp4' },
  );
  const decoded = await decodeVideo(video.bytes, 'mp4');
  expect(decoded.frames).toHaveLength(result.frames.length);
  return decoded.frames.map((rgb) => ({ rgb, width: decoded.width, height: decoded.height }));
}

const isRedPixel = (r: number, g: number, b: number) => r > 150 && r > g + 60 && r > b + 60;

describe('animate: camera motion', () => {
  const expected: Record<string, (o: { dx: number; dy: number }) => boolean> = {
    // Camera's point of view: the camera turns left, so the content moves right.
    'pan-left': (o) => o.dx >= 2 && o.dy === 0,
    'pan-right': (o) => o.dx <= -2 && o.dy === 0,
    'pan-up': (o) => o.dy >= 2 && o.dx === 0,
    'pan-down': (o) => o.dy <= -2 && o.dx === 0,
  };
  for (const [motion, pointsRight] of Object.entries(expected)) {
    it(`${motion}: the content between consecutive decoded frames moves the way the camera's opposite`, async () => {
      const result = await run({ motion, strengthSchedule: '0:0' });
      const frames = await decodedFrames(result);
      for (let f = 1; f < frames.length; f++) {
        const offset = bestOffset(frames[f - 1], frames[f]);
        expect(pointsRight(offset), `${motion} frame ${f}: ${JSON.stringify(offset)}`).toBe(true);
      }
    });
  }

  it('a combination moves both ways, and a speed scales the move', async () => {
    const result = await run({ motion: 'pan-left:2+pan-up:0.5', strengthSchedule: '0:0', frames: 3 });
    const frames = await decodedFrames(result);
    const offset = bestOffset(frames[0], frames[1]);
    // 2.5% of 128 px per frame at speed 1: 6.4 px right, 1.6 px down.
    expect(offset.dx).toBeGreaterThanOrEqual(6);
    expect(offset.dx).toBeLessThanOrEqual(7);
    expect(offset.dy).toBeGreaterThanOrEqual(1);
    expect(offset.dy).toBeLessThanOrEqual(2);
  });

  it('zoom-in makes the content grow frame by frame, zoom-out shrink, and no edge turns black', async () => {
    const zoomIn = await decodedFrames(await run({ motion: 'zoom-in:2', strengthSchedule: '0:0' }));
    const grow = zoomIn.map((f) => countPixels(f, isRedPixel));
    for (let f = 1; f < grow.length; f++) expect(grow[f]).toBeGreaterThan(grow[f - 1]);
    const zoomOut = await decodedFrames(await run({ motion: 'zoom-out:2', strengthSchedule: '0:0' }));
    const shrink = zoomOut.map((f) => countPixels(f, isRedPixel));
    for (let f = 1; f < shrink.length; f++) expect(shrink[f]).toBeLessThan(shrink[f - 1]);
    // Zooming out shows past the old frame's edges: mirrored, so no pixel goes dark.
    const dark = countPixels(zoomOut[zoomOut.length - 1], (r, g, b) => r + g + b < 60);
    expect(dark).toBe(0);
  });

  it('starts from the given picture when there is one', async () => {
    const picture = await sharp({
      create: { width: size, height: size, channels: 3, background: { r: 20, g: 160, b: 60 } },
    })
      .composite([
        {
          input: await sharp({
            create: { width: 24, height: 24, channels: 3, background: { r: 250, g: 240, b: 20 } },
          })
            .png()
            .toBuffer(),
          left: 40,
          top: 52,
        },
      ])
      .png()
      .toBuffer();
    const result = await run({ image: picture, motion: 'pan-right', strengthSchedule: '0:0', frames: 3 });
    const first = result.frames[0];
    const at = (x: number, y: number) => [...first.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];
    expect(at(50, 60)).toEqual([250, 240, 20]);
    expect(at(10, 10)).toEqual([20, 160, 60]);
    const frames = await decodedFrames(result);
    expect(bestOffset(frames[0], frames[1]).dx).toBeLessThanOrEqual(-3);
  });
});

describe('animate: img2img frames', () => {
  it('denoises every frame at its scheduled strength, tells progress per frame and step, previews the latest frame', async () => {
    const progress: RenderProgress[] = [];
    const result = await run({ motion: 'zoom-in', strengthSchedule: '0:0.5, 5:0.25' }, progress);
    expect(result.frames).toHaveLength(6);
    expect(result.pipeline).toBe('animate');
    // Frame 0 is a full txt2img (8 steps); frame 1 at strength 0.45 takes 3 steps, frame 5 at 0.25 two.
    const stepsOf = (frame: number) => progress.filter((p) => p.frame === frame).map((p) => p.step);
    expect(stepsOf(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stepsOf(2)).toEqual([1, 2, 3]);
    expect(stepsOf(6)).toEqual([1, 2]);
    const previews = progress.filter((p) => p.preview);
    expect(previews.map((p) => p.frame)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(previews.every((p) => p.frames === 6)).toBe(true);
    const last = await sharp(previews[5].preview as Buffer)
      .removeAlpha()
      .raw()
      .toBuffer();
    let diff = 0;
    for (let i = 0; i < last.length; i++) diff += Math.abs(last[i] - result.frames[5][i]);
    expect(diff / last.length).toBeLessThan(4);
    // The toy model keeps its red circle on the blue sky in every frame.
    for (const frame of result.frames) {
      expect(countPixels({ rgb: frame, width: size, height: size }, isRedPixel)).toBeGreaterThan(300);
    }
  });

  it('matches every frame’s colours to frame 0 (colour coherence)', async () => {
    const result = await run({ motion: 'rotate-cw', strength: 0.6 });
    const mean = (rgb: Buffer) => {
      const m = [0, 0, 0];
      for (let i = 0; i < rgb.length; i += 3) for (let c = 0; c < 3; c++) m[c] += rgb[i + c];
      return m.map((v) => v / (rgb.length / 3));
    };
    const first = mean(result.frames[0]);
    for (const frame of result.frames.slice(1)) {
      const m = mean(frame);
      for (let c = 0; c < 3; c++) expect(Math.abs(m[c] - first[c])).toBeLessThan(1.5);
    }
  });

  it('refuses a bad motion or schedule, naming the field and what to write', async () => {
    await expect(run({ motion: 'spin' })).rejects.toThrow(ValidationError);
    await expect(run({ motion: 'spin' })).rejects.toThrow(
      /motion: "spin" is not a motion; motions: static, zoom-in/,
    );
    await expect(run({ strengthSchedule: '0:2' })).rejects.toThrow(
      /strengthSchedule: "0:2" is not FRAME:STRENGTH with a strength from 0 to 1/,
    );
    await expect(run({ morphSeed: 9, motion: 'zoom-in' })).rejects.toThrow(
      /cannot be used with a seed morph/,
    );
  });
});

describe('animate: morphs', () => {
  async function single(request: Partial<AnimateRequest>): Promise<Buffer> {
    const model = await cache.get('toy');
    const { frames, fps, motion, strengthSchedule, morphSeed, ...picture } = { ...base, ...request };
    const result = await txt2img(model, { ...picture, count: 1 });
    return sharp(result.images[0].png).removeAlpha().raw().toBuffer();
  }

  it('a seed morph starts and ends exactly on single renders of each seed, with frames between', async () => {
    const prompt = 'a yellow triangle on a black background';
    const result = await run({ prompt, seed: 3, morphSeed: 12, frames: 5 });
    const [a, b] = [await single({ prompt, seed: 3 }), await single({ prompt, seed: 12 })];
    expect(a.equals(b)).toBe(false);
    expect(result.frames[0].equals(a)).toBe(true);
    expect(result.frames[4].equals(b)).toBe(true);
    expect(result.frames[2].equals(a) || result.frames[2].equals(b)).toBe(false);
  });

  it('a prompt schedule blends the text embeddings from one keyframe prompt to the next', async () => {
    const from = 'a red circle on a blue sky';
    const to = 'a green square on the grass';
    const result = await run({ prompt: `0: ${from} | 4: ${to}`, seed: 5, morphSeed: 5, frames: 5 });
    expect(result.frames[0].equals(await single({ prompt: from, seed: 5 }))).toBe(true);
    expect(result.frames[4].equals(await single({ prompt: to, seed: 5 }))).toBe(true);
    const red = result.frames.map((f) => countPixels({ rgb: f, width: size, height: size }, isRedPixel));
    expect(red[0]).toBeGreaterThan(300);
    expect(red[4]).toBe(0);
  });

  it('a prompt schedule under camera motion redraws towards the later prompt', async () => {
    const result = await run({
      prompt: '0: a red circle on a blue sky | 5: a red circle on the grass',
      strength: 0.9,
      frames: 6,
    });
    const count = (f: Buffer, test: (r: number, g: number, b: number) => boolean) =>
      countPixels({ rgb: f, width: size, height: size }, test);
    const blue = (r: number, g: number, b: number) => b > r + 40 && b > g + 10;
    const green = (r: number, g: number, b: number) => g > r + 30 && g > b + 30;
    expect(count(result.frames[0], blue)).toBeGreaterThan(size * size * 0.5);
    expect(count(result.frames[5], green)).toBeGreaterThan(size * size * 0.5);
    expect(count(result.frames[5], isRedPixel)).toBeGreaterThan(300);
  });
});
