// The prompt's part of the toy model's prior, as constant tables the UNet graph multiplies with:
// which slot states (slot, state, colour) and backgrounds each column of the summed token states
// favours, and the prior before any prompt. See docs/toy-model.md for the formulas.
import { SLOTS } from './layout.ts';
import { EMPTY_SLOT, PROMPT_WEIGHTS } from './prior.ts';
import { STATE, TOY_WIDTH } from './token-states.ts';
import { BACKGROUNDS, COLOURS, SHAPES } from './vocabulary.ts';

/** Slot states: empty, then one per shape; each with a colour (an empty slot uses colour 0 only). */
export const STATES = 1 + SHAPES.length;
export const SLOT_STATE_COLUMNS = SLOTS.length * STATES * COLOURS.length;
/** Inputs of the prompt table: the summed token states, then one "should stay empty" value per row slot. */
export const PROMPT_INPUTS = TOY_WIDTH + 3;
export const PROMPT_OUTPUTS = SLOT_STATE_COLUMNS + BACKGROUNDS.length;
/** log 0, for states the prior does not have. */
export const IMPOSSIBLE = -1e30;

const column = (slot: number, state: number, colour: number) =>
  (slot * STATES + state) * COLOURS.length + colour;

/** [PROMPT_INPUTS, PROMPT_OUTPUTS]: log-prior per unit of each input, at the reference latent size. */
export function promptTable(): Float32Array {
  const w = PROMPT_WEIGHTS;
  const table = new Float32Array(PROMPT_INPUTS * PROMPT_OUTPUTS);
  const add = (row: number, col: number, value: number) => {
    table[row * PROMPT_OUTPUTS + col] += value;
  };
  const emptyRow = (j: number) => TOY_WIDTH + j;
  for (let slot = 0; slot < SLOTS.length; slot++) {
    // The single layout's object is the centre slot's; its sides are empty.
    const said = slot === 0 ? 1 : slot - 1;
    for (let c = 0; c < COLOURS.length; c++) {
      if (slot > 0) add(emptyRow(slot - 1), column(slot, 0, c), w.named);
      for (let s = 1; s < STATES; s++) {
        const col = column(slot, s, c);
        const block = STATE.slot(said);
        add(block, col, w.named);
        add(block + 1 + c, col, w.attribute);
        add(block + 1 + COLOURS.length + s - 1, col, w.attribute);
        add(STATE.anywhere + c, col, w.anywhere);
        add(STATE.anywhere + COLOURS.length + s - 1, col, w.anywhere);
        if (slot === 0) {
          add(emptyRow(0), col, w.named);
          add(emptyRow(2), col, w.named);
        }
      }
    }
  }
  BACKGROUNDS.forEach((_, b) => {
    add(STATE.background + b, SLOT_STATE_COLUMNS + b, w.background);
  });
  return table;
}

/** [SLOTS, STATES, 1, COLOURS]: the log-prior of each slot state before the prompt. */
export function basePrior(): Float32Array {
  const out = new Float32Array(SLOT_STATE_COLUMNS);
  const objects = SHAPES.length * COLOURS.length;
  for (let slot = 0; slot < SLOTS.length; slot++) {
    for (let c = 0; c < COLOURS.length; c++) {
      out[column(slot, 0, c)] = slot === 0 || c > 0 ? IMPOSSIBLE : Math.log(EMPTY_SLOT);
      const object = slot === 0 ? 1 / objects : (1 - EMPTY_SLOT) / objects;
      for (let s = 1; s < STATES; s++) out[column(slot, s, c)] = Math.log(object);
    }
  }
  return out;
}
