// The noise thread (see noise-ahead.ts): draws a generator's next normals from a copy of its state
// and writes them, with the state after the draw, into the request's shared slot, then marks the slot
// done with the request's number. A request that a newer one for the same slot replaced is skipped.
import { parentPort } from 'node:worker_threads';
import { type NoiseRequest, readSlotNumber, SLOT, writeSlotResult } from './noise-slot.ts';
import { TorchGenerator } from './torch-generator.ts';

parentPort?.on('message', (request: NoiseRequest) => {
  if (readSlotNumber(request.slot, SLOT.requested) !== request.number) return;
  const generator = TorchGenerator.fromState(request.state);
  const values = generator.randn(request.count);
  writeSlotResult(request.slot, request.number, values, generator.state());
});
