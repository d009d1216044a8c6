// What both animation pipelines give back: the raw frames for the video encoder, and frame 0 as a PNG
// that carries the clip's parameters (a still for surfaces that show one).
import { encodePng } from '../../image/png-text.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { AnimateRequest, AnimateResult } from '../animate-request.ts';
import { pngParameters } from './decode-pictures.ts';

export interface Clip {
  frames: Buffer[];
  /** The clip's own fields for the poster's parameters text (frames, fps, motion...). */
  parameters: Record<string, string | number>;
  warnings: string[];
  timings: () => AnimateResult['timings'];
}

export async function clipResult(
  model: LoadedModel,
  request: AnimateRequest,
  clip: Clip,
): Promise<AnimateResult> {
  const { width, height, seed } = request;
  const parameters = pngParameters(model, request, seed, clip.parameters);
  const poster = await encodePng(clip.frames[0], width, height, parameters);
  return {
    pipeline: 'animate',
    frames: clip.frames,
    fps: request.fps,
    seed,
    width,
    height,
    poster,
    warnings: clip.warnings,
    model: model.name,
    timings: clip.timings(),
  };
}
