// An input picture (remix, variation, inpaint) made into the job's size and the pipeline's tensor.
import { checkSize } from './check-size.ts';
import { openPicture, toRawPixels } from './open-picture.ts';
import { rgbToTensor } from './rgb-tensor.ts';

export interface DecodeImageOptions {
  /** The job's size: the picture is scaled to cover it and centre-cropped. */
  width: number;
  height: number;
  /** Largest picture accepted, in pixels (width x height as stored). */
  maxInputPixels: number;
  /** Job field named in errors; `image` by default. */
  field?: string;
}

export interface DecodedImage {
  /** [1, 3, height, width] in [-1, 1]. */
  tensor: Float32Array;
  /** The same picture as interleaved RGB bytes, kept for pasting back what was not repainted. */
  rgb: Buffer;
  width: number;
  height: number;
}

/**
 * Transparency is flattened onto white: that is how most viewers and chat clients on a light theme show
 * it and what AUTOMATIC1111's img2img does by default, so the model starts from the picture the user saw.
 */
export const FLATTEN_BACKGROUND = { r: 255, g: 255, b: 255 };

export async function decodeImage(bytes: Buffer, opts: DecodeImageOptions): Promise<DecodedImage> {
  const { width, height } = opts;
  checkSize(width, height);
  const field = opts.field ?? 'image';
  const picture = await openPicture(bytes, { maxInputPixels: opts.maxInputPixels, field });
  // Lanczos like diffusers' resize; cover + centre crop like its resize_mode="crop".
  const pipeline = picture
    .flatten({ background: FLATTEN_BACKGROUND })
    .resize({ width, height, fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .toColourspace('srgb');
  const { data, info } = await toRawPixels(pipeline, field);
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(
      `decodeImage: expected ${width}x${height}x3, sharp gave ${info.width}x${info.height}x${info.channels}`,
    );
  }
  return { tensor: rgbToTensor(data, width, height), rgb: data, width, height };
}
