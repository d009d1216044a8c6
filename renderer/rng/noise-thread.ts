// The noise thread (see noise-ahead.ts): draws a generator's next normals from a copy of its state
// and writes them, with the state after the draw, into the request's shared slot, then marks the slot
// done with the request's number. A request that a newer one for the same slot replaced is skipped.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type NoiseRequest, readSlotNumber, SLOT, writeSlotResult } from './noise-slot.ts';
import { TorchGenerator } from './torch-generator.ts';

/**
 * This thread's nice value. Woken at its default priority, it took the core from the render thread
 * for its whole draw whenever the other core was busy (the request then cost the render thread about
 * as much as drawing itself: 0.6 ms median between two UNet calls, against 0.05 ms at nice 10). At
 * nice 10 it no longer preempts on waking, yet gets about a tenth of a core next to a busy one, far
 * more than its 0.4 ms draw needs during a UNet call; draws are still served (docs/benchmarks.md).
 */
const NICE = 10;

/** Linux: the nice value of this thread alone (its id from /proc/thread-self); elsewhere nothing. */
function lowerPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, NICE);
  } catch {
    // No /proc (not Linux) or not allowed: the thread runs at the default priority, still correct.
  }
}

lowerPriority();

parentPort?.on('message', (request: NoiseRequest) => {
  if (readSlotNumber(request.slot, SLOT.requested) !== request.number) return;
  const generator = TorchGenerator.fromState(request.state);
  const values = generator.randn(request.count);
  writeSlotResult(request.slot, request.number, values, generator.state());
});
