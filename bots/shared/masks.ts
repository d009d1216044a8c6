// Masks from chat pictures. People send either a black-and-white mask (white = repaint) or a copy
// of the picture they scribbled on; the mask of a scribble is where the copy differs from the
// original. Chat apps recompress photos, so small differences are noise and lone pixels are dropped.
import sharp from 'sharp';

interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

async function rgbAt(picture: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(picture)
    .rotate()
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
}

/** Each pixel becomes the max (grow) or min (shrink) of its square neighbourhood; separable. */
function morph(img: Gray, radius: number, grow: boolean): Gray {
  if (radius <= 0) return img;
  const { width: w, height: h } = img;
  const pick = grow ? Math.max : Math.min;
  const pass = (src: Uint8Array, horizontal: boolean) => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = src[y * w + x];
        for (let d = -radius; d <= radius; d++) {
          const xx = horizontal ? x + d : x;
          const yy = horizontal ? y : y + d;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          v = pick(v, src[yy * w + xx]);
        }
        out[y * w + x] = v;
      }
    }
    return out;
  };
  return { width: w, height: h, data: pass(pass(img.data, true), false) };
}

function png(img: Gray): Promise<Buffer> {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/**
 * A PNG mask at the original's size: white where the scribbled copy differs from the original by
 * more than `threshold` (0-255, largest channel difference), lone specks removed, grown by `dilate`
 * pixels so the repainted region covers the strokes' edges.
 */
export async function maskFromScribble(
  original: Buffer,
  scribbled: Buffer,
  options: { threshold?: number; dilate?: number } = {},
): Promise<Buffer> {
  const threshold = options.threshold ?? 48;
  const dilate = options.dilate ?? 4;
  const meta = await sharp(original).rotate().metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const [a, b] = await Promise.all([rgbAt(original, width, height), rgbAt(scribbled, width, height)]);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const d = Math.max(
      Math.abs(a[i * 3] - b[i * 3]),
      Math.abs(a[i * 3 + 1] - b[i * 3 + 1]),
      Math.abs(a[i * 3 + 2] - b[i * 3 + 2]),
    );
    data[i] = d > threshold ? 255 : 0;
  }
  const opened = morph(morph({ data, width, height }, 1, false), 1 + dilate, true);
  return png(opened);
}

/**
 * The mask as black and white at the picture's size. `resized` says it had another size (the caller
 * tells the user); `empty` says nothing is white, which would repaint nothing.
 */
export async function fitMask(
  mask: Buffer,
  width: number,
  height: number,
): Promise<{ png: Buffer; resized: boolean; empty: boolean }> {
  const meta = await sharp(mask).rotate().metadata();
  const w = meta.autoOrient?.width ?? meta.width;
  const h = meta.autoOrient?.height ?? meta.height;
  const data = await sharp(mask)
    .rotate()
    .flatten({ background: '#000000' })
    .resize(width, height, { fit: 'fill' })
    .greyscale()
    .threshold(128)
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  const empty = !data.some((v) => v > 0);
  return { png: await png({ data, width, height }), resized: w !== width || h !== height, empty };
}

/** Nearly every pixel near black or near white, with no colour: a mask, not a scribbled photo. */
export async function looksLikeMask(picture: Buffer): Promise<boolean> {
  const rgb = await sharp(picture)
    .rotate()
    .resize(128, 128, { fit: 'inside' })
    .flatten({ background: '#000000' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  const pixels = rgb.length / 3;
  let extreme = 0;
  for (let i = 0; i < pixels; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const grey = Math.max(r, g, b) - Math.min(r, g, b) < 40;
    const lum = (r + g + b) / 3;
    if (grey && (lum < 48 || lum > 207)) extreme++;
  }
  return extreme / pixels >= 0.95;
}
