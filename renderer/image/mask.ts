// An inpainting mask picture made into the job's size: a hard 0/1 mask for the pipeline and a feathered
// one for pasting the result back over the original; maskToLatent brings the hard one to latent size.
import sharp from 'sharp';
import { ValidationError } from '../../core/index.ts';
import { checkSize } from './check-size.ts';
import { featherMask } from './feather-mask.ts';
import { openPicture, toRawPixels } from './open-picture.ts';
import { repaintLevels } from './repaint-levels.ts';

export { maskToLatent } from './mask-to-latent.ts';

/** Largest mask picture accepted unless the caller says otherwise, in pixels. */
export const MAX_MASK_PIXELS = 40_000_000;

export interface PrepareMaskOptions {
  /** The job's size. */
  width: number;
  height: number;
  /** Feather width in pixels outside the repainted region, for the paste-back mask. */
  blur: number;
  /** Swap repaint and keep: for masks painted over what should stay. */
  invert?: boolean;
  /** Level in (0, 1] from which a pixel is repainted; 0.5 like diffusers' binarize. */
  threshold?: number;
  /** Largest mask picture accepted, in pixels; MAX_MASK_PIXELS by default. */
  maxInputPixels?: number;
  /** Job field named in errors; `mask` by default. */
  field?: string;
}

export interface PreparedMask {
  /** width x height, 1 = repaint, 0 = keep. */
  hard: Float32Array;
  /** width x height in [0, 1]: 1 on the hard mask, easing to exactly 0 at `blur` pixels outside it. */
  soft: Float32Array;
}

export async function prepareMask(bytes: Buffer, opts: PrepareMaskOptions): Promise<PreparedMask> {
  const { width, height, blur, invert = false, threshold = 0.5 } = opts;
  checkSize(width, height);
  if (!(threshold > 0 && threshold <= 1))
    throw new Error(`prepareMask: threshold must be in (0, 1], got ${threshold}`);
  const field = opts.field ?? 'mask';
  const picture = await openPicture(bytes, { maxInputPixels: opts.maxInputPixels ?? MAX_MASK_PIXELS, field });
  const { data, info } = await toRawPixels(picture.ensureAlpha().toColourspace('srgb'), field);
  if (info.channels !== 4)
    throw new Error(`prepareMask: expected RGBA from sharp, got ${info.channels} channels`);
  const levels = repaintLevels(data, info.width * info.height, Math.ceil(threshold * 255));
  const sized = await fitLevels(levels, info.width, info.height, width, height);

  const hard = new Float32Array(width * height);
  let repainted = 0;
  for (let i = 0; i < hard.length; i++) {
    const repaint = sized[i] / 255 >= threshold !== invert;
    if (repaint) {
      hard[i] = 1;
      repainted++;
    }
  }
  if (repainted === 0) {
    const problem = invert
      ? 'is empty once inverted: leave the region to change black'
      : 'is empty: paint the region to change in white';
    throw new ValidationError([{ field, problem }]);
  }
  if (repainted === hard.length) {
    throw new ValidationError([{ field, problem: 'covers the whole picture: use remix instead' }]);
  }
  return { hard, soft: featherMask(hard, width, height, blur) };
}

/**
 * Brings the levels to the job's size with the same cover-and-centre-crop as the picture, so a mask drawn
 * over the original picture (any size, same shape) lines up with it. Linear, then thresholded by the caller.
 */
async function fitLevels(
  levels: Uint8Array,
  inW: number,
  inH: number,
  width: number,
  height: number,
): Promise<Uint8Array> {
  if (inW === width && inH === height) return levels;
  const resized = await sharp(levels, { raw: { width: inW, height: inH, channels: 1 } })
    .resize({ width, height, fit: 'cover', position: 'centre', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return resized;
}
