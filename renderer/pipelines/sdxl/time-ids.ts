// SDXL's micro-conditioning (diffusers' _get_add_time_ids): original size, crop top-left and target
// size, height first, with the defaults original = target = the picture's size and crop (0, 0).
// The refiner's form puts an aesthetic score (6 for the prompt, 2.5 for the negative) in place of
// the target size.
export function sdxlTimeIds(
  height: number,
  width: number,
  rows: number,
  negativeRows: number,
  aestheticScore: boolean,
): Float32Array {
  const prompt = aestheticScore ? [height, width, 0, 0, 6] : [height, width, 0, 0, height, width];
  const negative = aestheticScore ? [height, width, 0, 0, 2.5] : prompt;
  const out = new Float32Array(rows * prompt.length);
  for (let r = 0; r < rows; r++) out.set(r < negativeRows ? negative : prompt, r * prompt.length);
  return out;
}
