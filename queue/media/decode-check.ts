// Proves fetched bytes are a picture by decoding them. The Content-Type header and the file name are
// the sender's claims; only a full decode (under a pixel cap, so a small file cannot unpack into a huge
// bitmap) says the renderer will be able to read it.
import sharp, { type Metadata } from 'sharp';
import { ValidationError } from '../../core/errors.ts';

export const DECODABLE_FORMATS = ['png', 'jpeg', 'webp'] as const;

export interface DecodeCheckOptions {
  /** Largest width x height accepted. */
  maxPixels: number;
  /** Formats accepted, as sharp names them; PNG, JPEG and WebP by default. */
  formats?: readonly string[];
  /** What the bytes are for, named in errors: "image could not be read ...". `image` by default. */
  field?: string;
}

export interface DecodedInfo {
  format: string;
  width: number;
  height: number;
}

export async function decodeCheck(bytes: Buffer, opts: DecodeCheckOptions): Promise<DecodedInfo> {
  const { maxPixels } = opts;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new Error(`maxPixels must be a positive integer, got ${maxPixels}`);
  }
  const field = opts.field ?? 'image';
  const formats = opts.formats ?? DECODABLE_FORMATS;
  const refuse = (problem: string) => new ValidationError([{ field, problem }]);
  const unreadable = () => refuse(`could not be read as a picture: send a ${formatList(formats)}`);

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable();
  }
  if (!formats.includes(meta.format) || !meta.width || !meta.height) throw unreadable();
  // The header's size, said in our words; the decode below enforces the same cap on the real pixels.
  if (meta.width * meta.height > maxPixels) {
    throw refuse(`is ${meta.width}x${meta.height}, more than ${maxPixels} pixels: send a smaller picture`);
  }
  try {
    // sharp's default strictness (fail on warnings), the same the renderer decodes with later.
    const { info } = await sharp(bytes, { limitInputPixels: maxPixels })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { format: meta.format, width: info.width, height: info.height };
  } catch {
    throw unreadable();
  }
}

function formatList(formats: readonly string[]): string {
  const names = formats.map((f) => (f === 'jpeg' ? 'JPEG' : f === 'webp' ? 'WebP' : f.toUpperCase()));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
}
