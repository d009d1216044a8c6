// The shared memory through which the noise thread hands a draw back: one slot per picture, holding
// the number of the latest request and of the latest finished one, the drawn values and the
// generator state after the draw. The render thread never waits on a slot: it reads it only when
// the finished number is the one it asked for, which the thread writes last.
import type { GeneratorState } from './torch-generator.ts';

const WORDS = 624;
const CONTROL_BYTES = 4 * 4;
const CACHED_AT = CONTROL_BYTES;
const WORDS_AT = CACHED_AT + 8;
const VALUES_AT = WORDS_AT + WORDS * 4;

/** Int32 fields at the start of a slot. */
export const SLOT = { requested: 0, done: 1, index: 2, hasCached: 3 } as const;

export interface NoiseRequest {
  slot: SharedArrayBuffer;
  number: number;
  count: number;
  state: GeneratorState;
}

export function makeSlot(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(VALUES_AT + count * 4);
}

export function slotCount(slot: SharedArrayBuffer): number {
  return (slot.byteLength - VALUES_AT) / 4;
}

export function readSlotNumber(slot: SharedArrayBuffer, field: number): number {
  return Atomics.load(new Int32Array(slot, 0, 4), field);
}

export function markRequested(slot: SharedArrayBuffer, number: number): void {
  Atomics.store(new Int32Array(slot, 0, 4), SLOT.requested, number);
}

/** Written by the noise thread: values and state first, the done number last. */
export function writeSlotResult(
  slot: SharedArrayBuffer,
  number: number,
  values: Float32Array,
  after: GeneratorState,
): void {
  const control = new Int32Array(slot, 0, 4);
  new Float32Array(slot, VALUES_AT, values.length).set(values);
  new Uint32Array(slot, WORDS_AT, WORDS).set(after.engine.words);
  control[SLOT.index] = after.engine.index;
  control[SLOT.hasCached] = after.nextDoubleNormal === undefined ? 0 : 1;
  new Float64Array(slot, CACHED_AT, 1)[0] = after.nextDoubleNormal ?? 0;
  Atomics.store(control, SLOT.done, number);
  Atomics.notify(control, SLOT.done);
}

/** Atomics.waitAsync (Node 16+), which the ES2023 library types do not declare yet. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * Resolves once request `number` is done, or once a newer request replaced it (the noise thread
 * then skips it and the slot's done number stays behind; `superseded` says so).
 */
export async function slotDone(
  slot: SharedArrayBuffer,
  number: number,
  superseded: () => boolean,
): Promise<void> {
  const control = new Int32Array(slot, 0, 4);
  for (;;) {
    const done = Atomics.load(control, SLOT.done);
    if (done === number || superseded()) return;
    const wait = waitAsync(control, SLOT.done, done);
    if (wait.async) await wait.value;
  }
}

/** The values and the state after them, once request `number` is done; undefined before. */
export function readSlotResult(
  slot: SharedArrayBuffer,
  number: number,
): { values: Float32Array; after: GeneratorState } | undefined {
  const control = new Int32Array(slot, 0, 4);
  if (Atomics.load(control, SLOT.done) !== number) return undefined;
  return {
    values: new Float32Array(slot, VALUES_AT, slotCount(slot)).slice(),
    after: {
      engine: { words: new Uint32Array(slot, WORDS_AT, WORDS).slice(), index: control[SLOT.index] },
      nextDoubleNormal: control[SLOT.hasCached] === 1 ? new Float64Array(slot, CACHED_AT, 1)[0] : undefined,
    },
  };
}
