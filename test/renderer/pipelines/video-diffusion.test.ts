// True video diffusion on the built-in toy-video model (a 5-D UNet whose frames share one toy
// posterior and drift 8 px a frame the way the prompt names): one latent for the clip, text states
// per frame, sliding context windows when the clip is longer than the model's 8 frames.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToyVideoModel } from '../../../models/toy-video/build-toy-video.ts';
import { contextWindows } from '../../../renderer/animation/context-windows.ts';
import type { LoadedModel } from '../../../renderer/model/loaded-model.ts';
import { ModelCache } from '../../../renderer/model/model-cache.ts';
import { animate } from '../../../renderer/pipelines/animate.ts';
import type { AnimateRequest } from '../../../renderer/pipelines/animate-request.ts';
import type { RenderProgress } from '../../../renderer/pipelines/render-request.ts';
import { bestOffset, countPixels } from '../../helpers/frame-motion.ts';

let model: LoadedModel;
let dir: string;
const size = 128;
const base: AnimateRequest = {
  prompt: 'a red circle on the left, rightwards, grass',
  negativePrompt: '',
  width: size,
  height: size,
  steps: 10,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  strength: 0.45,
  frames: 8,
  fps: 8,
  motion: 'static',
};

beforeAll(async () => {
  // Its own folder, built afresh: toy-video is built on request, outside the shared test models.
  dir = await mkdtemp(path.join(tmpdir(), 'toy-video-'));
  buildToyVideoModel(path.join(dir, 'toy-video'));
  const cache = new ModelCache(dir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
  model = await cache.get('toy-video');
}, 120_000);
afterAll(async () => {
  await model?.release();
  await rm(dir, { recursive: true, force: true });
});

const frameOf = (rgb: Buffer) => ({ rgb, width: size, height: size });
const isRed = (r: number, g: number, b: number) => r > 150 && r > g + 60 && r > b + 60;
const unetRuns = () => model.sessions.find((s) => s.file.includes('unet'))!.own.runs;

describe('context windows', () => {
  it('cover the clip with windows of the model length, overlapping by a quarter, the last flush with the end', () => {
    const starts = (frames: number) => contextWindows(frames, 8).map((w) => [w[0], w.at(-1)]);
    expect(starts(8)).toEqual([[0, 7]]);
    expect(starts(5)).toEqual([[0, 4]]);
    expect(starts(14)).toEqual([
      [0, 7],
      [6, 13],
    ]);
    expect(starts(20)).toEqual([
      [0, 7],
      [6, 13],
      [12, 19],
    ]);
  });
});

describe('video diffusion on toy-video', () => {
  it('is recognised as a video UNet that takes 8 frames and text states per frame', () => {
    expect(model.unet).toMatchObject({ isVideo: true, frames: 8, hiddenPerFrame: true });
  });

  it('denoises the clip as one latent: the scene is the prompt’s and moves 8 px a frame the way it names', async () => {
    const progress: RenderProgress[] = [];
    const before = unetRuns();
    const result = await animate(model, base, { onProgress: (p) => progress.push(p) });
    // One UNet call per step for the whole clip (guidance batch of 2 inside it).
    expect(unetRuns() - before).toBe(10);
    expect(result.frames).toHaveLength(8);
    for (const f of result.frames) expect(countPixels(frameOf(f), isRed)).toBeGreaterThan(150);
    for (let f = 1; f < 8; f++) {
      expect(bestOffset(frameOf(result.frames[f - 1]), frameOf(result.frames[f]), 10)).toEqual({
        dx: 8,
        dy: 0,
      });
    }
    expect(progress.filter((p) => !p.preview).map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(progress.filter((p) => p.preview).map((p) => p.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const shifts = async (prompt: string) => {
      const clip = await animate(model, { ...base, prompt });
      return clip.frames.slice(1).map((f, i) => bestOffset(frameOf(clip.frames[i]), frameOf(f), 10).dx);
    };
    expect(await shifts('a red circle on the right, leftwards, grass')).toEqual([-8, -8, -8, -8, -8, -8, -8]);
    expect(await shifts('a red circle, grass')).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('runs sliding windows when more frames are asked than the model takes, and fewer keep the asked count', async () => {
    const before = unetRuns();
    const long = await animate(model, { ...base, frames: 14 });
    expect(unetRuns() - before).toBe(20); // two windows a step
    expect(long.frames).toHaveLength(14);
    // Frames only the first window sees move as in an 8-frame clip.
    for (let f = 1; f < 6; f++) {
      expect(bestOffset(frameOf(long.frames[f - 1]), frameOf(long.frames[f]), 10).dx).toBe(8);
    }
    const short = await animate(model, { ...base, frames: 4 });
    expect(short.frames).toHaveLength(4);
  });

  it('refuses what only picture models use, saying so', async () => {
    await expect(animate(model, { ...base, motion: 'zoom-in' })).rejects.toThrow(
      /motion: "zoom-in" is for picture models; this is a video model, which makes its own motion: use static/,
    );
    await expect(animate(model, { ...base, morphSeed: 3 })).rejects.toThrow(
      /morphSeed is for picture models/,
    );
  });
});
