// animate: a short clip from a prompt (or a picture), in the way of Deforum's 2-D mode.
//   camera motion: frame 0 from txt2img (or the given picture); every next frame is the previous
//     one moved by the camera (a warp with mirrored borders), then img2img at the frame's strength
//     under the frame's prompt (none at strength 0), then its colours matched to frame 0's so the
//     clip does not drift;
//   seed morph (morphSeed): every frame a txt2img whose starting noise is slerped from the seed's
//     noise to morphSeed's, so the first and last frames are the two seeds' own pictures.
// A prompt schedule (`0: a forest | 24: a city`) blends the text embeddings between keyframes in both.

import { ValidationError } from '../../core/errors.ts';
import { MAX_SEED } from '../../core/job/limits.ts';
import { type CameraMove, parseMotion } from '../../core/job/motion.ts';
import { parsePromptSchedule, parseStrengthSchedule, scheduleAt } from '../../core/job/video-schedule.ts';
import { cameraStep, isStill, warpFrame } from '../animation/camera.ts';
import { colourStats, matchColours } from '../animation/colour-match.ts';
import { slerp } from '../animation/interpolate.ts';
import { encodePromptTrack } from '../animation/prompt-track.ts';
import { decodeImage } from '../image/decode-image.ts';
import { encodeImage } from '../image/encode-image.ts';
import { rgbToTensor, tensorToRgb } from '../image/rgb-tensor.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { TorchGenerator } from '../rng/torch-generator.ts';
import { schedulerForSampler } from '../schedulers/registry.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import type { AnimateRequest, AnimateResult } from './animate-request.ts';
import type { RenderHooks } from './render-request.ts';
import { RenderCancelledError } from './render-request.ts';
import { clipResult } from './stages/clip-result.ts';
import { denoise } from './stages/denoise.ts';
import type { EncodedPrompt } from './stages/encode-prompt.ts';
import { MAX_INPUT_PIXELS, requireEncoder, strengthTimesteps } from './stages/init-image.ts';
import { startTimings } from './stages/prepare-run.ts';
import { videoDiffusion } from './video-diffusion.ts';

export async function animate(
  model: LoadedModel,
  request: AnimateRequest,
  hooks?: RenderHooks,
): Promise<AnimateResult> {
  // A UNet that takes a 5-D sample draws the clip itself (true video diffusion).
  if (model.unet.isVideo) return videoDiffusion(model, request, hooks);
  const timings = startTimings(model);
  const { width, height, frames: count } = request;
  const latent = { h: height / 8, w: width / 8 };
  const latentDims = [1, 4, latent.h, latent.w] as const;

  // 1. Read the plan: camera moves, strength per frame, prompt keyframes.
  const plan = readPlan(request);
  // As in every pipeline: lcm guides too, only distilled models skip the guidance batch.
  const withGuidance = request.guidance > 1 && model.usesGuidance;

  // 2. Encode every keyframe's prompt once; frames in between get blended embeddings.
  const prompts = await encodePromptTrack(model, plan.prompts, request.negativePrompt, withGuidance);

  // What one frame's denoise reports: its steps, with the frame (1-based) they belong to.
  let lastTotal = 0;
  const frameHooks = (frame: number): RenderHooks => ({
    signal: hooks?.signal,
    onProgress: (p) => {
      lastTotal = p.total;
      // The frame's last step is told with its preview, once the frame is decoded.
      if (p.step < p.total)
        hooks?.onProgress?.({ step: p.step, total: p.total, frame: frame + 1, frames: count });
    },
  });
  const denoiseFrom = (
    latents: Float32Array,
    timesteps: Float32Array,
    text: EncodedPrompt,
    g: TorchGenerator,
    s: Scheduler,
    frame: number,
  ) =>
    denoise({
      model,
      schedulers: [s],
      timesteps,
      latents: [latents],
      latentSize: latent,
      text,
      guidance: request.guidance,
      withGuidance,
      generators: [g],
      hooks: frameHooks(frame),
    });
  const decode = async (latents: Float32Array) =>
    tensorToRgb(await model.vaeDecoder.decode(latents, latentDims), 0, width, height);
  const txt2imgFrom = async (noise: Float32Array, g: TorchGenerator, frame: number) => {
    const s = schedulerForSampler(request.sampler, model.schedulerConfig);
    s.setTimesteps(request.steps);
    const x = noise.map((v) => v * s.initNoiseSigma);
    const [out] = await denoiseFrom(x, s.timesteps, prompts.at(frame), g, s, frame);
    return decode(out);
  };

  const frames: Buffer[] = [];
  const finishFrame = async (rgb: Buffer, frame: number) => {
    frames.push(rgb);
    // The preview is the latest frame, once per frame.
    const preview = await encodeImage(rgb, width, height, 'jpeg', 80);
    hooks?.onProgress?.({ step: lastTotal, total: lastTotal, frame: frame + 1, frames: count, preview });
    lastTotal = 0;
  };

  if (plan.morphSeed !== undefined) {
    // 3m. Seed morph: frame f starts from slerp(noise(seed), noise(morphSeed), f / (frames - 1)).
    const noiseOf = (seed: number) => new TorchGenerator(seed).randn([...latentDims]);
    const [a, b] = [noiseOf(request.seed), noiseOf(plan.morphSeed)];
    for (let f = 0; f < count; f++) {
      const t = count === 1 ? 0 : f / (count - 1);
      // Later draws (ancestral samplers) come from the nearer seed's generator, past its first draw,
      // so the end frames are exactly what a single render of each seed gives.
      const g = new TorchGenerator(t < 0.5 ? request.seed : plan.morphSeed);
      g.randn([...latentDims]);
      await finishFrame(await txt2imgFrom(slerp(a, b, t), g, f), f);
    }
  } else {
    // 3. Frame 0: the given picture, or a txt2img render of the seed.
    if (request.image) {
      const { rgb } = await decodeImage(request.image, { width, height, maxInputPixels: MAX_INPUT_PIXELS });
      await finishFrame(rgb, 0);
    } else {
      const g = new TorchGenerator(request.seed);
      await finishFrame(await txt2imgFrom(g.randn([...latentDims]), g, 0), 0);
    }
    // Colour coherence holds to frame 0, or to the first frame of each later stretch with one prompt
    // (a prompt schedule is meant to change the colours; while blending it is left alone).
    let reference = colourStats(frames[0]);
    let referencePrompt = prompts.steadyAt(0);
    const step = cameraStep(plan.moves, width, height);
    const encoder = requireEncoder(model);

    for (let f = 1; f < count; f++) {
      if (hooks?.signal?.aborted) throw new RenderCancelledError();
      // 4. Move the camera: the previous frame warped, its borders mirrored in.
      const moved = plan.still ? frames[f - 1] : warpFrame(frames[f - 1], width, height, step);
      // 5. img2img of the moved frame at this frame's strength, with this frame's own seed. Strength 0
      //    keeps the moved frame as it is (a preview of the camera path, or a model that must not redraw).
      const wanted = scheduleAt(plan.strengths, f);
      if (wanted === 0) {
        await finishFrame(moved, f);
        continue;
      }
      const init = await encoder.encode(rgbToTensor(moved, width, height), [1, 3, height, width]);
      const s = schedulerForSampler(request.sampler, model.schedulerConfig);
      const { timesteps } = strengthTimesteps([s], request.steps, wanted);
      const g = new TorchGenerator((request.seed + f) % (MAX_SEED + 1));
      const noisy = s.addNoise(init, g.randn([...latentDims]), timesteps[0]);
      const [out] = await denoiseFrom(noisy, timesteps, prompts.at(f), g, s, f);
      // 6. Colour coherence: the frame's colour statistics matched to the reference's.
      let rgb = await decode(out);
      const steady = prompts.steadyAt(f);
      if (steady !== undefined && steady === referencePrompt) rgb = matchColours(rgb, reference);
      else if (steady !== undefined) {
        reference = colourStats(rgb);
        referencePrompt = steady;
      }
      await finishFrame(rgb, f);
    }
  }

  // 7. The frames, and a still of frame 0 that carries the clip's parameters.
  return clipResult(model, request, {
    frames,
    parameters: {
      Frames: count,
      FPS: request.fps,
      Motion: request.motion,
      ...(plan.morphSeed !== undefined ? { 'Morph seed': plan.morphSeed } : {}),
      ...(request.morphSeed === undefined
        ? { 'Strength schedule': request.strengthSchedule ?? `0:${request.strength}` }
        : {}),
    },
    warnings: [...plan.warnings, ...prompts.warnings],
    timings,
  });
}

interface Plan {
  moves: CameraMove[];
  still: boolean;
  strengths: { frame: number; value: number }[];
  prompts: { frame: number; value: string }[];
  morphSeed?: number;
  warnings: string[];
}

/** The request's texts read into what the loop needs; every mistake at once, naming its field. */
function readPlan(request: AnimateRequest): Plan {
  const problems: { field: string; value?: unknown; problem: string }[] = [];
  const moves = parseMotion(request.motion);
  if (typeof moves === 'string') problems.push({ field: 'motion', value: request.motion, problem: moves });
  const strengths =
    request.strengthSchedule === undefined
      ? [{ frame: 0, value: request.strength }]
      : parseStrengthSchedule(request.strengthSchedule);
  if (typeof strengths === 'string') {
    problems.push({ field: 'strengthSchedule', value: request.strengthSchedule, problem: strengths });
  }
  const prompts = parsePromptSchedule(request.prompt);
  if (typeof prompts === 'string')
    problems.push({ field: 'prompt', value: request.prompt, problem: prompts });
  const warnings: string[] = [];
  if (typeof prompts !== 'string') {
    const late = prompts.filter((k) => k.frame >= request.frames);
    if (late.length > 0) {
      warnings.push(
        `the prompt schedule has keyframes at frame ${late.map((k) => k.frame).join(', ')}, but the clip ends at frame ${request.frames - 1}: the blend towards them stops there`,
      );
    }
  }
  if (request.morphSeed !== undefined) {
    if (typeof moves !== 'string' && !isStill(moves)) {
      problems.push({
        field: 'motion',
        value: request.motion,
        problem:
          'cannot be used with a seed morph, which draws every frame afresh: use static, or leave out the morph seed',
      });
    }
    if (request.image) {
      problems.push({
        field: 'morphSeed',
        problem: 'draws every frame from noise, so it cannot start from a picture: leave one out',
      });
    }
    if (request.strengthSchedule !== undefined) {
      problems.push({
        field: 'strengthSchedule',
        problem: 'is for camera motion; a seed morph draws every frame afresh: leave one out',
      });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, 'cannot animate');
  const m = moves as CameraMove[];
  return {
    moves: m,
    still: isStill(m),
    strengths: strengths as Plan['strengths'],
    prompts: prompts as Plan['prompts'],
    morphSeed: request.morphSeed,
    warnings,
  };
}
