// The columns of the toy text encoder's token states. A token that names something writes it where
// it belongs: an object's colour or shape into the block of the slot its phrase is bound to, a
// background into the background block, and every object word once more into the "anywhere" block.
// The UNet reads the sum over the tokens.
import { BACKGROUNDS, COLOURS, SHAPES } from './vocabulary.ts';

/** Per slot (left, centre, right): [named, colours..., shapes...]. */
export const SLOT_BLOCK = 1 + COLOURS.length + SHAPES.length;

export const STATE = {
  /** Start of slot j's block (0 left, 1 centre, 2 right). */
  slot: (j: number) => j * SLOT_BLOCK,
  background: 3 * SLOT_BLOCK,
  /** Colours then shapes, whatever slot they were said of. */
  anywhere: 3 * SLOT_BLOCK + BACKGROUNDS.length,
  used: 3 * SLOT_BLOCK + BACKGROUNDS.length + COLOURS.length + SHAPES.length,
} as const;

/** Width of the token states; more than is used, as real encoders have room to spare. */
export const TOY_WIDTH = 64;

/**
 * Where objects without a position word go, by how many there are (n) and their order (rank), as
 * one-hot rows over (left, centre, right) at index min(n, 3) * 4 + min(rank, 3): one goes in the
 * middle, two go left and right, three fill the row.
 */
export function unpositionedTable(): Float32Array {
  const slots: Record<string, number> = { '1,1': 1, '2,1': 0, '2,2': 2, '3,1': 0, '3,2': 1, '3,3': 2 };
  const table = new Float32Array(16 * 3);
  for (let n = 0; n < 4; n++)
    for (let r = 0; r < 4; r++) {
      const slot = slots[`${n},${r}`];
      if (slot !== undefined) table[(n * 4 + r) * 3 + slot] = 1;
    }
  return table;
}
