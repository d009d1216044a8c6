// A first look at an uploaded picture before it is stored: its header must say PNG, JPEG or WebP of at
// most so many pixels. Reading the header costs nothing, so a decompression bomb (a small file that
// unpacks to gigabytes) is refused here; the full decode happens in fetch-media, off this process.
import sharp, { type Metadata } from 'sharp';
import { ValidationError } from '../../../../core/errors.ts';
import { ApiError } from '../../errors/api-error.ts';

const FORMATS = new Set(['png', 'jpeg', 'webp']);

export interface CheckedUpload {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
  /** The artifact id the job names it by, given before it is stored. */
  artifactId?: string;
}

export async function checkUpload(
  field: string,
  bytes: Buffer,
  limits: { maxUploadBytes: number; maxUploadPixels: number },
): Promise<CheckedUpload> {
  if (bytes.length > limits.maxUploadBytes) throw uploadTooLarge(field, limits.maxUploadBytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ValidationError([
      { field, problem: 'could not be read as a picture: send a PNG, JPEG or WebP' },
    ]);
  }
  if (!FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new ValidationError([
      { field, problem: 'could not be read as a picture: send a PNG, JPEG or WebP' },
    ]);
  }
  if (meta.width * meta.height > limits.maxUploadPixels) {
    throw new ValidationError([
      {
        field,
        value: `${meta.width}x${meta.height}`,
        problem: `has more than ${limits.maxUploadPixels} pixels: send a smaller picture`,
      },
    ]);
  }
  return { bytes, contentType: `image/${meta.format}`, width: meta.width, height: meta.height };
}

export function uploadTooLarge(field: string, maxBytes: number): ApiError {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  return new ApiError(413, 'upload_too_large', `${field} is larger than ${mb} MB`, {
    problems: [{ field, problem: `is larger than ${mb} MB` }],
  });
}
