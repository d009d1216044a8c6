// `npm run bench -- animate`: seconds per frame of the animate pipeline on the toy model and on the
// bench model (SD-like UNet operators, random weights), and the share of the clip's time spent in
// ffmpeg encoding the MP4. 16 frames at 256x256 (BENCH_SIZE), zoom-in, 20 steps, strength 0.45
// (frame 0 is a full txt2img of 20 steps, every other frame an img2img of 9), euler_a, guidance 7.5.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuiltInModels } from '../models/built-in.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import { animate } from '../renderer/pipelines/animate.ts';
import type { AnimateRequest } from '../renderer/pipelines/animate-request.ts';
import { encodeVideo } from '../renderer/video/encode-video.ts';

const dir = process.env.BENCH_MODELS_DIR ?? mkdtempSync(path.join(tmpdir(), 'bench-animate-'));
await ensureBuiltInModels(dir, (l) => console.log(l), ['bench']);
const cache = new ModelCache(dir, { providers: ['cpu'], threads: 0, graphOptimization: 'all' }, 2 ** 31);
const size = Number(process.env.BENCH_SIZE ?? 256);
const request: AnimateRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: size,
  height: size,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  strength: 0.45,
  frames: 16,
  fps: 8,
  motion: 'zoom-in',
};

const lines: string[] = [];
for (const name of ['toy', 'bench']) {
  const model = await cache.get(name);
  await animate(model, { ...request, frames: 2, steps: 2 }); // warm up: first runs allocate
  const t0 = performance.now();
  const result = await animate(model, request);
  const t1 = performance.now();
  const clip = { width: size, height: size, fps: request.fps, frames: result.frames };
  const video = await encodeVideo(clip, { format: 'mp4' });
  const t2 = performance.now();
  const perFrame = (t1 - t0) / 1000 / request.frames;
  const share = (t2 - t1) / (t2 - t0);
  const line =
    `${name}: ${perFrame.toFixed(3)} s a frame (${((t1 - t0) / 1000).toFixed(2)} s for ${request.frames} frames, ` +
    `session.run ${(result.timings.sessionRunMs / 1000).toFixed(2)} s), MP4 encode ${((t2 - t1) / 1000).toFixed(2)} s ` +
    `(${video.bytes.length} bytes) = ${(share * 100).toFixed(1)}% of the clip's time`;
  console.log(line);
  lines.push(line);
  await model.release();
}
console.log(lines.join(' | '));
