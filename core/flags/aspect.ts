// Maps an aspect ratio to a picture size within a pixel budget, both sides multiples of 8.

export interface Size {
  width: number;
  height: number;
}

export function parseRatio(text: string): { w: number; h: number } | undefined {
  const m = /^(\d{1,4}(?:\.\d{1,3})?)[:/x](\d{1,4}(?:\.\d{1,3})?)$/i.exec(text.trim());
  if (!m) return undefined;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 ? { w, h } : undefined;
}

/**
 * The largest size with this ratio whose area fits the budget: each side is the exact
 * side for the ratio, rounded down to the multiple (16:9 in 512x512 gives 680x384).
 */
export function sizeForRatio(ratioW: number, ratioH: number, budgetPixels: number, multiple = 8): Size {
  const exactW = Math.sqrt((budgetPixels * ratioW) / ratioH);
  const exactH = Math.sqrt((budgetPixels * ratioH) / ratioW);
  // The epsilon keeps 384.0000001 from flooring to 376 through float error.
  const down = (v: number) => Math.floor(v / multiple + 1e-9) * multiple;
  return { width: down(exactW), height: down(exactH) };
}
