// The words toy-video reads a motion from, and the spare token-state columns its text encoder writes
// them to (the toy's states leave the top of their width unused).
import { TOY_WIDTH } from '../toy-model/token-states.ts';

export const MOTION_WORDS: Readonly<Record<string, 1 | -1>> = {
  rightwards: 1,
  rightward: 1,
  leftwards: -1,
  leftward: -1,
};

/** Token-state columns: one for "moves right", one for "moves left". */
export const RIGHT_COLUMN = TOY_WIDTH - 1;
export const LEFT_COLUMN = TOY_WIDTH - 2;
