// Raw RGB to a file the user receives, in the format asked for.
import { encodePng } from './png-text.ts';
import { rawRgbInput } from './raw-rgb-input.ts';

export const IMAGE_FORMATS = ['png', 'webp', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Quality when none is given: visually clean at a fraction of the PNG size. */
export const DEFAULT_QUALITY = 90;

/** Any of our output formats; `quality` (1-100) applies to WebP and JPEG. */
export async function encodeImage(
  rgb: Uint8Array,
  width: number,
  height: number,
  format: ImageFormat,
  quality = DEFAULT_QUALITY,
): Promise<Buffer> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new Error(`quality must be an integer from 1 to 100, got ${quality}`);
  }
  switch (format) {
    case 'png':
      return encodePng(rgb, width, height);
    case 'webp':
      return rawRgbInput(rgb, width, height).webp({ quality }).toBuffer();
    case 'jpeg':
      return rawRgbInput(rgb, width, height).jpeg({ quality }).toBuffer();
    default:
      throw new Error(`unknown image format ${JSON.stringify(format)}`);
  }
}
