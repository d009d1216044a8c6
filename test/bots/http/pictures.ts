// Small pictures for the HTTP tests, made with sharp.
import sharp from 'sharp';

export async function pngOf(width = 64, height = 64, color = { r: 200, g: 40, b: 40 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

export function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A PNG that is small on disk and huge decoded: a decompression bomb. */
export async function bombPng(side = 8000): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
}
