// POST /sdapi/v1/png-info: the generation text a picture carries, as AUTOMATIC1111 answers it: `info`
// the raw `parameters` text, `items` the picture's other text entries, `parameters` the text read into
// fields. A picture without parameters gives empty ones, not an error.
import sharp from 'sharp';
import { z } from 'zod';
import { ValidationError } from '../../../core/errors.ts';
import type { HttpLimits } from '../http-deps.ts';
import { checkUpload, uploadTooLarge } from '../jobs/submit/check-upload.ts';
import { decodeBase64 } from '../jobs/submit/media-input.ts';
import { a1111InfotextFields } from './a1111-infotext.ts';

export const A1111PngInfoSchema = z.looseObject({
  image: z
    .string({ error: 'must be a base64 picture (or a data: URI)' })
    .min(1, 'must be a base64 picture (or a data: URI)'),
});

export interface A1111PngInfo {
  info: string;
  items: Record<string, string>;
  parameters: Record<string, string>;
}

function pictureBytes(image: string, limits: HttpLimits): Buffer {
  const payload = image.trim().replace(/^data:[^,]*;base64,/i, '');
  if (Math.floor((payload.length * 3) / 4) > limits.maxUploadBytes + 3) {
    throw uploadTooLarge('image', limits.maxUploadBytes);
  }
  const bytes = decodeBase64(payload);
  if (!bytes)
    throw new ValidationError([{ field: 'image', problem: 'is not valid base64' }], 'invalid request');
  return bytes;
}

export async function a1111PngInfo(image: string, limits: HttpLimits): Promise<A1111PngInfo> {
  const bytes = pictureBytes(image, limits);
  const picture = await checkUpload('image', bytes, limits);
  // JPEG and WebP keep A1111's text in EXIF, which our pictures never use: only PNG text is read
  // (tEXt, zTXt and iTXt; a later entry with the same keyword wins, as in Pillow).
  const comments =
    picture.contentType === 'image/png' ? ((await sharp(bytes).metadata()).comments ?? []) : [];
  const text = new Map(comments.map((c) => [c.keyword, c.text]));
  const info = text.get('parameters') ?? '';
  text.delete('parameters');
  return { info, items: Object.fromEntries(text), parameters: a1111InfotextFields(info) };
}
