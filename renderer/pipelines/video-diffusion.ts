// True video diffusion for a UNet that takes a 5-D sample [B, C, F, h, w]: one latent for the whole
// clip, denoised together. When the clip has more frames than the model takes at once, each step
// runs the model on sliding context windows and averages the overlaps; text states are repeated
// per frame when the model's input asks for them so.

import { ValidationError } from '../../core/errors.ts';
import { parseMotion } from '../../core/job/motion.ts';
import { isStill } from '../animation/camera.ts';
import { contextWindows } from '../animation/context-windows.ts';
import { encodeImage } from '../image/encode-image.ts';
import { tensorToRgb } from '../image/rgb-tensor.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { TorchGenerator } from '../rng/torch-generator.ts';
import { schedulerForSampler } from '../schedulers/registry.ts';
import type { AnimateRequest, AnimateResult } from './animate-request.ts';
import { RenderCancelledError, type RenderHooks } from './render-request.ts';
import { clipResult } from './stages/clip-result.ts';
import { applyGuidance } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { startTimings } from './stages/prepare-run.ts';

export async function videoDiffusion(
  model: LoadedModel,
  request: AnimateRequest,
  hooks?: RenderHooks,
): Promise<AnimateResult> {
  const timings = startTimings(model);
  const { width, height, frames: wanted } = request;
  const h = height / 8;
  const w = width / 8;
  const plane = h * w;

  // 1. What a video model does not take: it makes its own motion, from noise.
  refuseUnused(request);
  const window = model.unet.frames ?? wanted;
  // A model of fixed length draws at least its length; the clip keeps the frames asked for.
  const frames = Math.max(wanted, window);
  const windows = contextWindows(frames, window);

  // 2. Text states once, [uncond, cond] for guidance.
  const withGuidance = request.guidance > 1 && request.sampler !== 'lcm' && model.usesGuidance;
  const text = await encodePrompt(model, request.prompt, request.negativePrompt, 1, withGuidance);
  const halves = withGuidance ? 2 : 1;
  const [, tokens, textWidth] = text.dims;
  const rowStates = tokens * textWidth;
  const perFrame = model.unet.hiddenPerFrame;
  const hidden = new Float32Array(halves * (perFrame ? window : 1) * rowStates);
  for (let r = 0; r < halves; r++) {
    const row = text.hidden.subarray(r * rowStates, (r + 1) * rowStates);
    if (!perFrame) hidden.set(row, r * rowStates);
    else for (let f = 0; f < window; f++) hidden.set(row, (r * window + f) * rowStates);
  }
  const hiddenDims = [halves * (perFrame ? window : 1), tokens, textWidth] as const;

  // 3. One noise latent [1, 4, F, h, w] for the clip.
  const scheduler = schedulerForSampler(request.sampler, model.schedulerConfig);
  scheduler.setTimesteps(request.steps);
  const g = new TorchGenerator(request.seed);
  let x: Float32Array = g.randn([1, 4, frames, h, w]).map((v) => v * scheduler.initNoiseSigma);

  // 4. Denoise: each window's prediction, guided, averaged where windows overlap.
  const timesteps = scheduler.timesteps;
  const batch = new Float32Array(halves * 4 * window * plane);
  for (let s = 0; s < timesteps.length; s++) {
    if (hooks?.signal?.aborted) throw new RenderCancelledError();
    const t = timesteps[s];
    const scaled = scheduler.scaleModelInput(x, t);
    const sum = new Float32Array(x.length);
    const count = new Float32Array(frames);
    for (const frameIds of windows) {
      for (let r = 0; r < halves; r++) copyFrames(scaled, frames, frameIds, batch, r, window, plane);
      const eps = await model.unet.predict(batch, [halves, 4, window, h, w], t, hidden, hiddenDims);
      const one = 4 * window * plane;
      const guided = withGuidance
        ? applyGuidance(eps.subarray(0, one), eps.subarray(one, 2 * one), request.guidance)
        : eps.subarray(0, one);
      for (const [i, f] of frameIds.entries()) {
        count[f]++;
        for (let c = 0; c < 4; c++) {
          const from = (c * window + i) * plane;
          const to = (c * frames + f) * plane;
          for (let p = 0; p < plane; p++) sum[to + p] += guided[from + p];
        }
      }
    }
    for (let c = 0; c < 4; c++)
      for (let f = 0; f < frames; f++)
        for (let p = 0; p < plane; p++) sum[(c * frames + f) * plane + p] /= count[f];
    x = scheduler.step(sum, t, x, g);
    hooks?.onProgress?.({ step: s + 1, total: timesteps.length });
  }

  // 5. Decode each frame the clip keeps; the preview is the newest frame.
  const out: Buffer[] = [];
  const one = new Float32Array(4 * plane);
  for (let f = 0; f < wanted; f++) {
    for (let c = 0; c < 4; c++)
      one.set(x.subarray((c * frames + f) * plane, (c * frames + f + 1) * plane), c * plane);
    const rgb = tensorToRgb(await model.vaeDecoder.decode(one, [1, 4, h, w]), 0, width, height);
    out.push(rgb);
    const preview = await encodeImage(rgb, width, height, 'jpeg', 80);
    hooks?.onProgress?.({
      step: timesteps.length,
      total: timesteps.length,
      frame: f + 1,
      frames: wanted,
      preview,
    });
  }
  return clipResult(model, request, {
    frames: out,
    parameters: { Frames: wanted, FPS: request.fps, 'Context window': window },
    warnings: [...text.warnings],
    timings,
  });
}

/** Frames `ids` of x [1, 4, F, h, w] into row `r` of the window batch [halves, 4, W, h, w]. */
function copyFrames(
  x: Float32Array,
  frames: number,
  ids: number[],
  batch: Float32Array,
  r: number,
  window: number,
  plane: number,
): void {
  for (let c = 0; c < 4; c++) {
    for (const [i, f] of ids.entries()) {
      const from = (c * frames + f) * plane;
      batch.set(x.subarray(from, from + plane), ((r * 4 + c) * window + i) * plane);
    }
  }
}

function refuseUnused(request: AnimateRequest): void {
  const problems: { field: string; value?: unknown; problem: string }[] = [];
  const moves = parseMotion(request.motion);
  if (typeof moves === 'string' || !isStill(moves)) {
    problems.push({
      field: 'motion',
      value: request.motion,
      problem: 'is for picture models; this is a video model, which makes its own motion: use static',
    });
  }
  const what = 'is for picture models; a video model draws the whole clip from noise: leave it out';
  if (request.image) problems.push({ field: 'image', problem: what });
  if (request.morphSeed !== undefined) problems.push({ field: 'morphSeed', problem: what });
  if (request.strengthSchedule !== undefined) problems.push({ field: 'strengthSchedule', problem: what });
  if (/^\s*\d+\s*:/.test(request.prompt)) {
    problems.push({ field: 'prompt', problem: 'a prompt schedule is for picture models: give one prompt' });
  }
  if (problems.length > 0) throw new ValidationError(problems, 'cannot animate');
}
