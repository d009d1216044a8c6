// For the pipelines that start from a picture (img2img, inpaint, animate): the picture at the job's
// size with its VAE posterior, and where the schedule starts for a strength.
import { ValidationError } from '../../../core/errors.ts';
import { decodeImage } from '../../image/decode-image.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { Posterior, VaeEncoder } from '../../model/vae.ts';
import { img2imgTimesteps } from '../../schedulers/img2img.ts';
import type { Scheduler } from '../../schedulers/scheduler.ts';
import type { RenderRequest } from '../render-request.ts';

export interface InitImage {
  /** [1,3,H,W] in [-1,1]. */
  tensor: Float32Array;
  /** Raw RGB at the job's size: what inpaint pastes back. */
  rgb: Buffer;
  /** The VAE posterior of the picture: each picture of a job samples it with its own generator. */
  posterior: Posterior;
  encoder: VaeEncoder;
}

/** Pictures larger than this are refused before decoding (a decompression bomb guard). */
export const MAX_INPUT_PIXELS = 40_000_000;

export function requireEncoder(model: LoadedModel): VaeEncoder {
  if (!model.vaeEncoder) {
    throw new ValidationError([
      { field: 'model', value: model.name, problem: 'has no VAE encoder, so it cannot start from a picture' },
    ]);
  }
  return model.vaeEncoder;
}

export async function loadInitImage(model: LoadedModel, request: RenderRequest): Promise<InitImage> {
  if (!request.image) {
    throw new ValidationError([{ field: 'image', problem: 'is required: attach the picture to start from' }]);
  }
  const encoder = requireEncoder(model);
  const { tensor, rgb } = await decodeImage(request.image, {
    width: request.width,
    height: request.height,
    maxInputPixels: MAX_INPUT_PIXELS,
  });
  const posterior = await encoder.posterior(tensor, [1, 3, request.height, request.width]);
  return { tensor, rgb, posterior, encoder };
}

/**
 * The timesteps a run from a picture visits, set on every picture's scheduler: the strength skips
 * the first ones, and at least one step is left, so a tiny strength still renders.
 */
export function strengthTimesteps(
  schedulers: Scheduler[],
  steps: number,
  requested: number,
): { strength: number; timesteps: Float32Array } {
  const strength = Math.max(requested, 1 / steps);
  const timesteps = schedulers.map((s) => img2imgTimesteps(s, steps, strength))[0];
  return { strength, timesteps };
}
