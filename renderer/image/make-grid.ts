// Several pictures of one job side by side in one picture, for surfaces that show a single attachment.

export interface RgbPicture {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface Grid extends RgbPicture {
  rgb: Buffer;
  columns: number;
  rows: number;
}

/**
 * Pictures in reading order, `columns` per row (default: ceil(sqrt(n)), so 2x2 for 4, 1x2 for 2). Cells
 * take the largest picture's size; a smaller picture sits centred on black, as do empty cells.
 */
export function makeGrid(images: RgbPicture[], columns?: number): Grid {
  if (images.length === 0) throw new Error('makeGrid: no pictures');
  const cols = columns ?? Math.ceil(Math.sqrt(images.length));
  if (!Number.isInteger(cols) || cols < 1)
    throw new Error(`makeGrid: columns must be a positive integer, got ${cols}`);
  const used = Math.min(cols, images.length);
  const rows = Math.ceil(images.length / used);
  const cellW = Math.max(...images.map((p) => p.width));
  const cellH = Math.max(...images.map((p) => p.height));
  const width = cellW * used;
  const height = cellH * rows;
  const rgb = Buffer.alloc(width * height * 3);
  images.forEach((p, n) => {
    if (p.rgb.length !== p.width * p.height * 3) {
      throw new Error(`makeGrid: picture ${n} has ${p.rgb.length} bytes, not ${p.width}x${p.height}x3`);
    }
    const left = (n % used) * cellW + Math.floor((cellW - p.width) / 2);
    const top = Math.floor(n / used) * cellH + Math.floor((cellH - p.height) / 2);
    const rowBytes = p.width * 3;
    for (let y = 0; y < p.height; y++) {
      rgb.set(p.rgb.subarray(y * rowBytes, (y + 1) * rowBytes), ((top + y) * width + left) * 3);
    }
  });
  return { rgb, width, height, columns: used, rows };
}
