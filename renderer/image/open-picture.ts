// Opens a picture a user sent: checks its format and size from the header before any pixel is decoded,
// so a bad upload becomes a message the user can act on rather than a decoder error.
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { ValidationError } from '../../core/index.ts';

/** The formats we promise in the error message; sharp could read more (SVG, TIFF...) but need not. */
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

export interface OpenPictureOptions {
  /** Largest width x height accepted, checked on the header. */
  maxInputPixels: number;
  /** The job field the picture came from, named in errors (`image`, `mask`). */
  field: string;
}

function unreadable(field: string): ValidationError {
  return new ValidationError([
    { field, problem: 'could not be read as a picture: send a PNG, JPEG or WebP' },
  ]);
}

/**
 * A sharp pipeline over the picture, oriented by its EXIF tag. Throws a ValidationError when the bytes are
 * not a PNG, JPEG or WebP or the picture has more than `maxInputPixels` pixels.
 */
export async function openPicture(bytes: Buffer, opts: OpenPictureOptions): Promise<Sharp> {
  const { field, maxInputPixels } = opts;
  if (!Number.isInteger(maxInputPixels) || maxInputPixels < 1) {
    throw new Error(`maxInputPixels must be a positive integer, got ${maxInputPixels}`);
  }
  let meta: Metadata;
  try {
    // No pixel limit here: the header alone tells the size, and we want to say it in our own words.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable(field);
  }
  if (!ACCEPTED_FORMATS.has(meta.format) || !meta.width || !meta.height) throw unreadable(field);
  const pixels = meta.width * meta.height;
  if (pixels > maxInputPixels) {
    throw new ValidationError([
      {
        field,
        problem: `is larger than ${maxInputPixels} pixels (it is ${meta.width}x${meta.height}): send a smaller picture`,
      },
    ]);
  }
  return sharp(bytes, { limitInputPixels: maxInputPixels, autoOrient: true });
}

/** The picture's width and height as shown (after its EXIF orientation), from its header. */
export async function shownSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  return meta.autoOrient ?? { width: meta.width, height: meta.height };
}

/** Runs a pipeline to raw pixels; a decoder failure (truncated or corrupt data) is the user's to fix. */
export async function toRawPixels(
  pipeline: Sharp,
  field: string,
): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch {
    throw unreadable(field);
  }
}
