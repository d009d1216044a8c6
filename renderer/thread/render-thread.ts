// The render thread: owns the model cache and runs pipelines, so session.run (synchronous inside
// onnxruntime-node) never blocks the main event loop. Cancels arrive between steps.
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationError } from '../../core/errors.ts';
import { ModelCache } from '../model/model-cache.ts';
import { ModelFolderError } from '../model/model-folder-error.ts';
import { animate } from '../pipelines/animate.ts';
import type { AnimateRequest } from '../pipelines/animate-request.ts';
import { RenderCancelledError, type RenderRequest } from '../pipelines/render-request.ts';
import { runPipeline } from '../pipelines/run-pipeline.ts';
import type { HostMessage, SerializedError, ThreadMessage, ThreadSetup } from './messages.ts';

const setup = workerData as ThreadSetup;
const port = parentPort!;
const send = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const cache = new ModelCache(
  setup.modelsDir,
  { ...setup.session, log: (line) => send({ type: 'log', line }) },
  setup.memoryBudgetBytes,
);
const running = new Map<number, AbortController>();
/** Cancels that arrived while their render was still waiting its turn. */
const cancelledEarly = new Set<number>();

function serialize(err: unknown): SerializedError {
  if (err instanceof ValidationError)
    return { kind: 'validation', message: err.message, problems: err.problems };
  if (err instanceof RenderCancelledError) return { kind: 'cancelled', message: err.message };
  if (err instanceof ModelFolderError) {
    return { kind: 'model', message: err.message, file: err.file, expected: err.expected };
  }
  const e = err as Error;
  return { kind: 'internal', message: e?.message ?? String(err), stack: e?.stack };
}

/** Buffers arrive as plain Uint8Arrays after structured cloning. */
function asBuffer(bytes: Uint8Array | undefined): Buffer | undefined {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
}

async function render(id: number, model: string, request: RenderRequest): Promise<void> {
  const controller = new AbortController();
  if (cancelledEarly.delete(id)) controller.abort();
  running.set(id, controller);
  try {
    const result = await runPipeline(
      cache,
      model,
      { ...request, image: asBuffer(request.image), mask: asBuffer(request.mask) },
      {
        signal: controller.signal,
        onProgress: (p) => send({ type: 'progress', id, step: p.step, total: p.total, preview: p.preview }),
      },
    );
    send({ type: 'result', id, result });
  } catch (err) {
    send({ type: 'error', id, error: serialize(err) });
  } finally {
    running.delete(id);
  }
}

async function animation(id: number, model: string, request: AnimateRequest): Promise<void> {
  const controller = new AbortController();
  if (cancelledEarly.delete(id)) controller.abort();
  running.set(id, controller);
  try {
    const result = await animate(
      await cache.get(model),
      { ...request, image: asBuffer(request.image) },
      {
        signal: controller.signal,
        onProgress: (p) =>
          send({
            type: 'progress',
            id,
            step: p.step,
            total: p.total,
            frame: p.frame,
            frames: p.frames,
            preview: p.preview,
          }),
      },
    );
    send({ type: 'animated', id, result });
  } catch (err) {
    send({ type: 'error', id, error: serialize(err) });
  } finally {
    running.delete(id);
  }
}

// One render at a time: the sessions already use every core.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: HostMessage) => {
  if (message.type === 'cancel') {
    const controller = running.get(message.id);
    if (controller) controller.abort();
    else cancelledEarly.add(message.id);
  } else if (message.type === 'models') {
    send({
      type: 'models',
      id: message.id,
      available: cache.available(),
      loaded: cache.available().filter((n) => cache.isLoaded(n)),
    });
  } else if (message.type === 'animate') {
    queue = queue.then(() => animation(message.id, message.model, message.request));
  } else {
    queue = queue.then(() => render(message.id, message.model, message.request));
  }
});
