// Encode (animate): the rendered frames to the clip the job asked for (MP4, WebM or GIF), within the
// byte budget of the surface it goes to; what was given up to fit is told with the result.
import { encodeVideo } from '../../renderer/video/encode-video.ts';
import { ComponentError, type ComponentHandler } from '../orchestrator/component-worker.ts';
import type { EncodedVideoOutput } from './encoded-output.ts';
import type { RenderOutput } from './render.ts';
import type { ComponentServices } from './services.ts';

export function encodeVideoComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const rendered = ctx.state.outputs.render as RenderOutput;
    const clip = rendered.frames;
    const video = ctx.job.params.video;
    if (!clip || !video) throw new ComponentError('internal', 'the render made no frames to encode', false);
    const stored = await services.artifacts.get(clip.artifact);
    if (!stored) throw new ComponentError('internal', `the rendered frames ${clip.artifact} are missing`);
    const size = clip.width * clip.height * 3;
    const frames = Array.from({ length: clip.count }, (_, i) =>
      stored.bytes.subarray(i * size, (i + 1) * size),
    );
    const encoded = await encodeVideo(
      { width: clip.width, height: clip.height, fps: clip.fps, frames },
      {
        format: video.format,
        maxBytes: services.video?.maxBytes?.[ctx.job.origin.surface],
        interpolateFps: video.interpolateFps,
        binary: services.video?.ffmpegPath,
        signal: ctx.signal,
      },
    );
    const put = await services.artifacts.put(encoded.bytes, encoded.contentType, {
      ttlMs: services.resultTtlMs,
    });
    const output: EncodedVideoOutput = {
      images: rendered.images.map((i) => ({ ...i, contentType: 'image/png' })),
      video: {
        artifact: put.id,
        contentType: encoded.contentType,
        format: encoded.format,
        frames: encoded.frames,
        fps: encoded.fps,
        width: encoded.width,
        height: encoded.height,
        bytes: encoded.bytes.length,
      },
      warnings: [...rendered.warnings, ...encoded.warnings],
    };
    return output;
  };
}
