// The messages between the render host (main thread) and the render thread.
import type { FieldProblem } from '../../core/errors.ts';
import type { SessionSettings } from '../onnx/session-options.ts';
import type { AnimateRequest, AnimateResult } from '../pipelines/animate-request.ts';
import type { RenderRequest, RenderResult } from '../pipelines/render-request.ts';

export interface ThreadSetup {
  entry: string;
  modelsDir: string;
  session: Omit<SessionSettings, 'log'>;
  memoryBudgetBytes: number;
  /** Batches across jobs: renders that can share a UNet call run together (maxJobs 1 = off). */
  batch: RenderBatching;
}

export interface RenderBatching {
  /** Renders per batch at most. */
  maxJobs: number;
  /** How long an idle thread waits for company for a render, counted from its arrival. */
  gatherMs: number;
}

export type HostMessage =
  | { type: 'render'; id: number; model: string; request: RenderRequest; label?: string }
  | { type: 'animate'; id: number; model: string; request: AnimateRequest }
  | { type: 'cancel'; id: number }
  | { type: 'models'; id: number };

export type SerializedError =
  | { kind: 'validation'; message: string; problems: FieldProblem[] }
  | { kind: 'cancelled'; message: string }
  | { kind: 'model'; message: string; file: string; expected: string }
  | { kind: 'internal'; message: string; stack?: string };

export type ThreadMessage =
  | { type: 'log'; line: string }
  | {
      type: 'progress';
      id: number;
      step: number;
      total: number;
      frame?: number;
      frames?: number;
      preview?: Uint8Array;
    }
  | { type: 'result'; id: number; result: RenderResult }
  | { type: 'animated'; id: number; result: AnimateResult }
  | { type: 'models'; id: number; available: string[]; loaded: string[] }
  | { type: 'error'; id: number; error: SerializedError };
