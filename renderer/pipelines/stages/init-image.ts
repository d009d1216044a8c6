// Stage 2 for img2img and inpaint: the input picture at the job's size, and its scaled latents.
import { ValidationError } from '../../../core/errors.ts';
import { decodeImage } from '../../image/decode-image.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { Posterior, VaeEncoder } from '../../model/vae.ts';
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

/** Steps an img2img run takes for a strength; at least one, so a tiny strength still renders. */
export function effectiveStrength(steps: number, strength: number): number {
  return Math.max(strength, 1 / steps);
}
