// Noise drawn while the UNet runs. ONNX Runtime's session.run holds the JavaScript thread for the
// whole model call, so the normals an ancestral sampler draws after each call (16,384 per step at
// 512x512, about 0.4 ms) cannot be drawn there in the meantime; a second thread can. Before each
// model call, every picture whose scheduler drew exactly one array in the previous step gets the
// same draw started on the noise thread, from a copy of its generator's state. When the scheduler
// then draws, it gets those values, and the generator jumps to the state after them, only if the
// draw is ready, is of the same size and the generator has not drawn since the copy; otherwise it
// draws itself. Either way it gets exactly the values and the state it would have had alone.
import { Worker } from 'node:worker_threads';
import type { NoiseSource } from '../schedulers/scheduler.ts';
import {
  makeSlot,
  markRequested,
  type NoiseRequest,
  readSlotNumber,
  readSlotResult,
  SLOT,
  slotCount,
  slotDone,
} from './noise-slot.ts';
import type { TorchGenerator } from './torch-generator.ts';

interface Pending {
  slot: SharedArrayBuffer;
  number: number;
  count: number;
  version: number;
}

export class NoiseAhead {
  private readonly slots: (SharedArrayBuffer | undefined)[];
  private readonly pending: (Pending | undefined)[];
  /** The sizes each picture drew since the last drawAhead. */
  private readonly draws: number[][];
  private nextNumber = 1;
  /** Draws served from the noise thread (the rest were drawn here). */
  drawnAhead = 0;

  constructor(private readonly generators: readonly TorchGenerator[]) {
    this.slots = generators.map(() => undefined);
    this.pending = generators.map(() => undefined);
    this.draws = generators.map(() => []);
  }

  /**
   * Says that each picture's next draw will be `count` values, as if its last step had drawn that
   * many: the next drawAhead starts it (a pipeline's starting latents, drawn while the text encoder runs).
   */
  expect(count: number): void {
    for (let i = 0; i < this.draws.length; i++) this.draws[i] = [count];
  }

  /** Before a model call: starts each picture's next draw where its last step made exactly one. */
  drawAhead(): void {
    const thread = noiseThread();
    for (let i = 0; i < this.generators.length; i++) {
      const drawn = this.draws[i];
      this.draws[i] = [];
      this.pending[i] = undefined;
      if (!thread || drawn.length !== 1) continue;
      const count = drawn[0];
      let slot = this.slots[i];
      if (!slot || slotCount(slot) !== count) {
        slot = makeSlot(count);
        this.slots[i] = slot;
      }
      const generator = this.generators[i];
      const number = this.nextNumber++;
      markRequested(slot, number);
      const request: NoiseRequest = { slot, number, count, state: generator.state() };
      thread.postMessage(request);
      this.pending[i] = { slot, number, count, version: generator.version };
    }
  }

  /**
   * Resolves once every draw started by the last drawAhead is ready. The render loop never waits
   * (a draw not ready in time is made here); this is for tests, which must not count on a time.
   */
  async settled(): Promise<void> {
    // An Atomics.waitAsync alone does not keep Node's event loop alive; this timer does meanwhile.
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      await this.allDone();
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async allDone(): Promise<void> {
    await Promise.all(
      this.pending.map((p) =>
        p ? slotDone(p.slot, p.number, () => readSlotNumber(p.slot, SLOT.requested) !== p.number) : undefined,
      ),
    );
  }

  /** What picture `i`'s scheduler draws from. */
  source(i: number): NoiseSource {
    return { randn: (shape) => this.draw(i, shape) };
  }

  private draw(i: number, shape: readonly number[] | number): Float32Array {
    const generator = this.generators[i];
    const count = typeof shape === 'number' ? shape : shape.reduce((a, b) => a * b, 1);
    this.draws[i].push(count);
    const pending = this.pending[i];
    this.pending[i] = undefined;
    if (pending && pending.count === count && pending.version === generator.version) {
      const ready = readSlotResult(pending.slot, pending.number);
      if (ready) {
        generator.restore(ready.after);
        this.drawnAhead++;
        return ready.values;
      }
    }
    return generator.randn(shape);
  }
}

let thread: Worker | undefined;
let threadFailed = false;

/** The one noise thread of this thread, started on first use; undefined when it cannot run. */
function noiseThread(): Worker | undefined {
  if (thread || threadFailed) return thread;
  try {
    const entry = new URL('./noise-thread.ts', import.meta.url).href;
    thread = new Worker(new URL('../thread/thread-bootstrap.mjs', import.meta.url), {
      workerData: { entry },
    });
  } catch {
    threadFailed = true;
    return undefined;
  }
  // Never keeps a process alive: nothing ever waits for it.
  thread.unref();
  const stop = () => {
    threadFailed = true;
    thread = undefined;
  };
  thread.on('error', stop);
  thread.on('exit', stop);
  return thread;
}
