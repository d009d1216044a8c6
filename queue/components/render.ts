// Render: runs the pipeline for the job's kind on this process's render thread, streams progress
// (with preview pictures as short-lived artifacts) and keeps each picture as an artifact.
import type { Job } from '../../core/job/job.ts';
import { withModelDefaults } from '../../core/job/model-defaults.ts';
import { readPngText } from '../../renderer/image/png-text.ts';
import type { AnimateRequest } from '../../renderer/pipelines/animate-request.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { ComponentError, type ComponentHandler } from '../orchestrator/component-worker.ts';
import { progressCallbacks } from './progress-callbacks.ts';
import type { ComponentServices } from './services.ts';

export interface RenderOutput {
  /** For animate: frame 0 as a PNG still. `infotext`: the A1111 parameters text the PNG carries. */
  images: { artifact: string; seed: number; infotext?: string }[];
  /** For animate: every frame as raw RGB, one after another, for encode-video. */
  frames?: { artifact: string; count: number; fps: number; width: number; height: number };
  width: number;
  height: number;
  model: string;
  pipeline: string;
  warnings: string[];
}

const PREVIEW_TTL_MS = 3600 * 1000;
/** Previews and a video's frames are kept an hour, and never longer than the job's results. */
const previewTtlMs = (services: ComponentServices) =>
  Math.min(PREVIEW_TTL_MS, services.resultTtlMs ?? PREVIEW_TTL_MS);

/** The infotext the renderer wrote into a picture, in the output so surfaces need not read PNGs. */
function infotextOf(png: Buffer): { infotext?: string } {
  const infotext = readPngText(png).parameters;
  return infotext === undefined ? {} : { infotext };
}

/** Upscale draws the picture again at twice the size, within the pixel limit, keeping it close. */
function upscaledSize(job: Job, maxPixels: number): { width: number; height: number } {
  let scale = 2;
  while (scale > 1 && job.params.width * job.params.height * scale * scale > maxPixels) scale -= 0.25;
  const to8 = (v: number) => Math.max(64, Math.floor((v * scale) / 8) * 8);
  return { width: to8(job.params.width), height: to8(job.params.height) };
}

/**
 * A job admitted without its model's defaults (admission off, or no heartbeat had them yet) takes them
 * here; for an admitted job this changes nothing.
 */
function asModelDraws(job: Job, services: ComponentServices): Job {
  const defaults = services.modelDefaults?.(job.params.model);
  return defaults ? withModelDefaults(job, defaults, services.limits) : job;
}

export function renderComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const host = services.renderHost;
    if (!host) throw new ComponentError('internal', 'this process has no renderer');
    const job = asModelDraws(ctx.job, services);
    const media = (ctx.state.outputs['fetch-media'] ?? {}) as { image?: string; mask?: string };
    const load = async (id: string | undefined) =>
      id ? (await services.artifacts.get(id))?.bytes : undefined;
    if (job.kind === 'animate') return renderAnimation(ctx, services, await load(media.image));
    const size = job.kind === 'upscale' ? upscaledSize(job, services.limits.maxPixels) : job.params;
    const request: RenderRequest = {
      prompt: job.params.prompt,
      negativePrompt: job.params.negativePrompt,
      width: size.width,
      height: size.height,
      steps: job.params.steps,
      guidance: job.params.guidance,
      sampler: job.params.sampler,
      seed: job.params.seed,
      count: job.params.count,
      strength: job.params.strength,
      image: await load(media.image),
      mask: await load(media.mask),
      maskOptions: { blur: job.params.mask.blur, invert: job.params.mask.invert },
      previewEvery: 5,
      loras: job.params.loras,
      vae: job.params.vae,
    };
    const callbacks = progressCallbacks(job, services);
    await callbacks.started();
    // Progress events go out in step order, and all of them before the render's result.
    let published = Promise.resolve();
    const result = await host.render(job.params.model, request, {
      signal: ctx.signal,
      // Names the job in the renderer's lines about batches across jobs.
      label: ctx.jobId,
      onProgress: (p) => {
        if (p.preview || p.step === p.total) callbacks.progress(p.step, p.total);
        published = published
          .then(async () => {
            const preview = p.preview
              ? (await services.artifacts.put(p.preview, 'image/jpeg', { ttlMs: previewTtlMs(services) })).id
              : undefined;
            await ctx.publish({
              type: 'progress',
              step: p.step,
              total: p.total,
              ...(preview ? { preview } : {}),
            });
          })
          .catch(() => undefined);
      },
    });
    await published;
    const ttlMs = services.resultTtlMs ?? 7 * 24 * 3600 * 1000;
    const images = [];
    for (const image of result.images) {
      const stored = await services.artifacts.put(image.png, 'image/png', { ttlMs });
      images.push({ artifact: stored.id, seed: image.seed, ...infotextOf(image.png) });
    }
    const output: RenderOutput = {
      images,
      width: result.width,
      height: result.height,
      model: result.model,
      pipeline: result.pipeline,
      // What the job was given but did not use (told at submit) comes with the result too.
      warnings: [...(job.warnings ?? []), ...result.warnings],
    };
    return output;
  };
}

/** Progress of an animation: one bar over every frame's steps, with the latest frame as the preview. */
async function renderAnimation(
  ctx: Parameters<ComponentHandler>[0],
  services: ComponentServices,
  image: Buffer | undefined,
): Promise<RenderOutput> {
  const host = services.renderHost as NonNullable<ComponentServices['renderHost']>;
  const job = asModelDraws(ctx.job, services);
  const video = job.params.video;
  if (!video) throw new ComponentError('internal', 'an animate job without video params', false);
  const request: AnimateRequest = {
    prompt: job.params.prompt,
    negativePrompt: job.params.negativePrompt,
    width: job.params.width,
    height: job.params.height,
    steps: job.params.steps,
    guidance: job.params.guidance,
    sampler: job.params.sampler,
    seed: job.params.seed,
    strength: job.params.strength,
    image,
    frames: video.frames,
    fps: video.fps,
    motion: video.motion,
    ...(video.strengthSchedule !== undefined ? { strengthSchedule: video.strengthSchedule } : {}),
    ...(video.morphSeed !== undefined ? { morphSeed: video.morphSeed } : {}),
  };
  const callbacks = progressCallbacks(job, services);
  await callbacks.started();
  let published = Promise.resolve();
  const result = await host.animate(job.params.model, request, {
    signal: ctx.signal,
    onProgress: (p) => {
      const total = p.frames ?? video.frames;
      const frame = p.frame ?? 1;
      if (!p.preview) {
        // A step inside frame `frame`: the frames before it are done.
        published = published
          .then(() =>
            ctx.publish({ type: 'progress', step: frame - 1, total, frameStep: p.step, frameSteps: p.total }),
          )
          .catch(() => undefined);
        return;
      }
      // A finished frame: the bar counts frames, the preview is the newest one.
      callbacks.progress(frame, total);
      published = published
        .then(async () => {
          const preview = (
            await services.artifacts.put(p.preview as Buffer, 'image/jpeg', { ttlMs: previewTtlMs(services) })
          ).id;
          await ctx.publish({ type: 'progress', step: frame, total, preview });
        })
        .catch(() => undefined);
    },
  });
  await published;
  const ttlMs = services.resultTtlMs ?? 7 * 24 * 3600 * 1000;
  const poster = await services.artifacts.put(result.poster, 'image/png', { ttlMs });
  // The frames only live until encode-video has read them.
  const frames = await services.artifacts.put(Buffer.concat(result.frames), 'application/octet-stream', {
    ttlMs: previewTtlMs(services),
  });
  return {
    images: [{ artifact: poster.id, seed: result.seed, ...infotextOf(result.poster) }],
    frames: {
      artifact: frames.id,
      count: result.frames.length,
      fps: result.fps,
      width: result.width,
      height: result.height,
    },
    width: result.width,
    height: result.height,
    model: result.model,
    pipeline: result.pipeline,
    warnings: [...(job.warnings ?? []), ...result.warnings],
  };
}
