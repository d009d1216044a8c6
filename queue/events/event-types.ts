// What a job tells its watchers: every surface renders these (progress bars, SSE, edits).
import { isFinalStatus, type JobStatus } from '../../core/flows/flow-types.ts';

export type JobEvent =
  | { type: 'status'; status: JobStatus; finished?: string }
  | { type: 'queue'; position: number; etaMs?: number }
  | {
      type: 'progress';
      /** Animate: frames done of all frames; the preview is the newest frame. */
      step: number;
      total: number;
      preview?: string;
      /** Animate: the step inside the frame being drawn, of its steps. */
      frameStep?: number;
      frameSteps?: number;
    }
  | { type: 'done'; outputs: Record<string, unknown> }
  | { type: 'failed'; code: string; message: string }
  | { type: 'cancelled'; message: string };

export type ProgressEvent = Extract<JobEvent, { type: 'progress' }>;

export interface StoredEvent {
  /** Stream entry id: events can be resumed from it (SSE Last-Event-ID). */
  id: string;
  at: number;
  event: JobEvent;
}

export function isFinalEvent(event: JobEvent): boolean {
  return isFinalStatus(event.type);
}
