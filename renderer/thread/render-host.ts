// The main thread's handle on a render thread: render, cancel, list models. Errors come back as the
// same types the pipelines throw (ValidationError, RenderCancelledError, ModelFolderError).
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../../core/errors.ts';
import { ModelFolderError } from '../model/model-folder-error.ts';
import type { SessionSettings } from '../onnx/session-options.ts';
import type { AnimateRequest, AnimateResult } from '../pipelines/animate-request.ts';
import {
  RenderCancelledError,
  type RenderHooks,
  type RenderRequest,
  type RenderResult,
} from '../pipelines/render-request.ts';
import type { HostMessage, RenderBatching, SerializedError, ThreadMessage, ThreadSetup } from './messages.ts';

export interface RenderHostOptions {
  modelsDir: string;
  session: SessionSettings;
  memoryBudgetBytes: number;
  /** Batches across jobs (off when absent). */
  batch?: RenderBatching;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
  hooks?: RenderHooks;
}

function revive(error: SerializedError): Error {
  switch (error.kind) {
    case 'validation':
      return new ValidationError(error.problems);
    case 'cancelled':
      return new RenderCancelledError();
    case 'model':
      return new ModelFolderError(error.file, error.expected);
    default: {
      const err = new Error(error.message);
      if (error.stack) err.stack = error.stack;
      return err;
    }
  }
}

const toBuffer = (u8: Uint8Array) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

export class RenderHost {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private whenIdle: (() => void)[] = [];

  constructor(options: RenderHostOptions) {
    const { log, ...session } = options.session;
    const setup: ThreadSetup = {
      entry: new URL('./render-thread.ts', import.meta.url).href,
      modelsDir: options.modelsDir,
      session,
      memoryBudgetBytes: options.memoryBudgetBytes,
      batch: options.batch ?? { maxJobs: 1, gatherMs: 0 },
    };
    this.worker = new Worker(new URL('./thread-bootstrap.mjs', import.meta.url), { workerData: setup });
    this.worker.on('message', (m: ThreadMessage) => this.onMessage(m, log));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`the render thread stopped (exit code ${code})`));
    });
  }

  private onMessage(message: ThreadMessage, log?: (line: string) => void): void {
    if (message.type === 'log') {
      log?.(message.line);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.hooks?.onProgress?.({
        step: message.step,
        total: message.total,
        ...(message.frame !== undefined ? { frame: message.frame, frames: message.frames } : {}),
        ...(message.preview ? { preview: toBuffer(message.preview) } : {}),
      });
      return;
    }
    this.pending.delete(message.id);
    queueMicrotask(() => this.settleIdle());
    if (message.type === 'error') pending.reject(revive(message.error));
    else if (message.type === 'result') {
      const result = message.result;
      for (const image of result.images) image.png = toBuffer(image.png);
      pending.resolve(result as never);
    } else if (message.type === 'animated') {
      const result = message.result;
      result.frames = result.frames.map(toBuffer);
      result.poster = toBuffer(result.poster);
      pending.resolve(result as never);
    } else pending.resolve(message as never);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.pending.size > 0) return;
    for (const resolve of this.whenIdle.splice(0)) resolve();
  }

  private call<T>(message: HostMessage, hooks?: RenderHooks): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the render thread has stopped'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, { resolve: resolve as (v: never) => void, reject, hooks });
      this.worker.postMessage(message);
    });
  }

  /** `label` names the render in the thread's log lines about batches across jobs (a job id). */
  render(
    model: string,
    request: RenderRequest,
    hooks?: RenderHooks & { label?: string },
  ): Promise<RenderResult> {
    const label = hooks?.label;
    return this.start<RenderResult>(
      (id) => ({ type: 'render', id, model, request, ...(label ? { label } : {}) }),
      hooks,
    );
  }

  /** A clip's frames (the animate pipeline), on the same thread and queue as pictures. */
  animate(model: string, request: AnimateRequest, hooks?: RenderHooks): Promise<AnimateResult> {
    return this.start<AnimateResult>((id) => ({ type: 'animate', id, model, request }), hooks);
  }

  private start<T>(message: (id: number) => HostMessage, hooks?: RenderHooks): Promise<T> {
    const id = this.nextId++;
    if (hooks?.signal?.aborted) return Promise.reject(new RenderCancelledError());
    hooks?.signal?.addEventListener(
      'abort',
      () => this.worker.postMessage({ type: 'cancel', id } satisfies HostMessage),
      {
        once: true,
      },
    );
    return this.call<T>(message(id), hooks);
  }

  async models(): Promise<{ available: string[]; loaded: string[] }> {
    const reply = await this.call<{ available: string[]; loaded: string[] }>({
      type: 'models',
      id: this.nextId++,
    });
    return { available: reply.available, loaded: reply.loaded };
  }

  /**
   * Stops the thread once nothing is pending: terminating it inside session.run aborts the whole
   * process, so a render must be cancelled first (it then ends at its next step).
   */
  async close(): Promise<void> {
    if (!this.exited && this.pending.size > 0) {
      await new Promise<void>((resolve) => this.whenIdle.push(resolve));
    }
    await this.worker.terminate();
  }
}
