// What components need from the process they run in. Each role fills in the parts it serves.
import type { Job, Limits } from '../../core/index.ts';
import type { RenderHost } from '../../renderer/thread/render-host.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { AllowPrivate } from '../media/safe-fetch.ts';
import type { JobState } from '../orchestrator/job-state.ts';

/** Fetches a platform's file (Discord attachment, Telegram file id) as bytes. */
export type MediaResolver = (fileId: string, url: string | undefined, signal: AbortSignal) => Promise<Buffer>;

/** What a surface is told when a job ends: the pictures, or why there are none. */
export type Outcome =
  | {
      ok: true;
      images: { artifact: string; seed: number; contentType: string }[];
      grid?: string;
      warnings: string[];
    }
  | { ok: false; code: string; message: string };

/** Posts a job's outcome back where it came from (a chat). Registered per surface. */
export type ChatReplier = (
  job: Job,
  outcome: Outcome,
  artifacts: ArtifactStore,
  signal: AbortSignal,
) => Promise<void>;

export interface ModerationRule {
  /** A word or phrase, matched whole-word and case-insensitively. */
  term: string;
  /** Reason code shown to the user and kept with the job. */
  reason: string;
}

export interface ModerationPolicy {
  rules: readonly ModerationRule[];
  /** Extra rules per Discord guild or Telegram chat id. */
  perScope?: Readonly<Record<string, readonly ModerationRule[]>>;
}

export interface ComponentServices {
  artifacts: ArtifactStore;
  limits: Limits;
  renderHost?: RenderHost;
  mediaResolvers?: Partial<Record<'discord' | 'telegram', MediaResolver>>;
  repliers?: Partial<Record<'discord' | 'telegram' | 'http', ChatReplier>>;
  moderation?: ModerationPolicy;
  callbackSecret?: string;
  fetch?: { maxBytes: number; timeoutMs: number; allowPrivate?: AllowPrivate };
  /** How long results are kept. */
  resultTtlMs?: number;
  /** Lets the render component read earlier outputs (upscale and variation of a past job). */
  loadState?: (jobId: string) => Promise<JobState | undefined>;
  log?: (line: string) => void;
}
