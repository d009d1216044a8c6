// The render thread: owns the model cache and runs pipelines, so session.run (synchronous inside
// onnxruntime-node) never blocks the main event loop. Cancels arrive between steps. Renders wait in a
// line that hands out batches of renders that can share a UNet call (render-queue.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationError } from '../../core/errors.ts';
import { ModelCache } from '../model/model-cache.ts';
import { ModelFolderError } from '../model/model-folder-error.ts';
import { readModelSettings } from '../model/model-settings.ts';
import { animate } from '../pipelines/animate.ts';
import type { AnimateRequest } from '../pipelines/animate-request.ts';
import {
  RenderCancelledError,
  type RenderHooks,
  type RenderRequest,
  type RenderResult,
} from '../pipelines/render-request.ts';
import { batchKey, runBatch } from '../pipelines/run-batch.ts';
import { runPipeline } from '../pipelines/run-pipeline.ts';
import type { HostMessage, SerializedError, ThreadMessage, ThreadSetup } from './messages.ts';
import { RenderQueue } from './render-queue.ts';

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

type RenderMessage = Extract<HostMessage, { type: 'render' }>;

/** A render's cancel and progress, wired to its id. */
function hooksOf(id: number): RenderHooks {
  const controller = new AbortController();
  if (cancelledEarly.delete(id)) controller.abort();
  running.set(id, controller);
  return {
    signal: controller.signal,
    onProgress: (p) => send({ type: 'progress', id, step: p.step, total: p.total, preview: p.preview }),
  };
}

function requestOf(message: RenderMessage): RenderRequest {
  const { request } = message;
  return { ...request, image: asBuffer(request.image), mask: asBuffer(request.mask) };
}

async function settle(id: number, rendering: Promise<RenderResult>): Promise<void> {
  try {
    send({ type: 'result', id, result: await rendering });
  } catch (err) {
    send({ type: 'error', id, error: serialize(err) });
  } finally {
    running.delete(id);
  }
}

async function render(message: RenderMessage): Promise<void> {
  const { id, model } = message;
  // Hooks first: a cancel that came while the render waited must reach it.
  const hooks = hooksOf(id);
  await settle(id, runPipeline(cache, model, requestOf(message), hooks));
}

/** Renders that share a batch key, as one batch: one UNet call per step for all of them. */
async function renderBatch(messages: RenderMessage[]): Promise<void> {
  const labels = messages.map((m) => m.label ?? `render ${m.id}`);
  const members = messages.map((m, i) => ({
    // Labels name the renders in log lines; the same one twice gets its render id too.
    label: labels.indexOf(labels[i]) === i ? labels[i] : `${labels[i]} (#${m.id})`,
    request: requestOf(m),
    hooks: hooksOf(m.id),
  }));
  const { request } = members[0];
  send({
    type: 'log',
    line: `render batch of ${members.length} on ${messages[0].model} (${request.width}x${request.height}, ${request.steps} steps, ${request.sampler}): ${members.map((m) => m.label).join(', ')}`,
  });
  const results = runBatch(cache, messages[0].model, members, (line) => send({ type: 'log', line }));
  await Promise.all(results.map((result, i) => settle(messages[i].id, result)));
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

/** How many renders may share a batch with this one: none for a model whose imagine.json says "batch": false. */
function maxJobsOf(message: WaitingWork): number {
  if (message.type !== 'render' || setup.batch.maxJobs <= 1) return 1;
  try {
    return readModelSettings(cache.resolve(message.model).dir).batch === false ? 1 : setup.batch.maxJobs;
  } catch {
    return 1; // an unknown model or a bad imagine.json: the render itself says what is wrong
  }
}

type WaitingWork = RenderMessage | Extract<HostMessage, { type: 'animate' }>;

// One batch at a time: the sessions already use every core.
const waiting = new RenderQueue<WaitingWork>({ maxJobs: maxJobsOf, gatherMs: setup.batch.gatherMs });
void (async () => {
  for (;;) {
    const work = await waiting.take();
    const first = work[0];
    if (first.type === 'animate') await animation(first.id, first.model, first.request);
    else if (work.length === 1) await render(first);
    else await renderBatch(work as RenderMessage[]);
  }
})();

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
    waiting.push(message);
  } else {
    waiting.push(message, batchKey(message.model, message.request));
  }
});
