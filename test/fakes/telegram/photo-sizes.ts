// What Telegram does with a photo: re-encodes it as JPEG and keeps it in a few sizes (a thumbnail
// and the full picture, its longest side at most 1280), each a file of its own.
import sharp from 'sharp';
import type { FakeFiles } from './fake-files.ts';

export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  width: number;
  height: number;
}

const FULL_SIDE = 1280;
const THUMB_SIDE = 90;

async function jpegAt(bytes: Buffer, side: number) {
  const { data, info } = await sharp(bytes)
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 87 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The photo's sizes, smallest first (as Telegram lists them); `declaredSize` fakes a huge full size. */
export async function photoSizes(
  files: FakeFiles,
  bytes: Buffer,
  declaredSize?: number,
): Promise<PhotoSize[]> {
  const sizes: PhotoSize[] = [];
  for (const side of [THUMB_SIDE, FULL_SIDE]) {
    const jpeg = await jpegAt(bytes, side);
    const full = side === FULL_SIDE;
    const file = files.register(jpeg.data, {
      folder: 'photos',
      ext: 'jpg',
      declaredSize: full ? declaredSize : undefined,
    });
    sizes.push({
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      width: jpeg.width,
      height: jpeg.height,
    });
  }
  return sizes;
}
