// What components need from the process they run in. Each role fills in the parts it serves.
import type { Job, Limits, ModelDefaults } from '../../core/index.ts';
import type { RenderHost } from '../../renderer/thread/render-host.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { AllowPrivate } from '../media/safe-fetch.ts';
import type { JobState } from '../orchestrator/job-state.ts';

/** Fetches a platform's file (Discord attachment, Telegram file id) as bytes. */
export type MediaResolver = (fileId: string, url: string | undefined, signal: AbortSignal) => Promise<Buffer>;

/** An animate job's clip, as stored and as delivered. */
export interface VideoOutcome {
  artifact: string;
  /** video/mp4, video/webm or image/gif. */
  contentType: string;
  format: 'mp4' | 'webm' | 'gif';
  frames: number;
  fps: number;
  width: number;
  height: number;
  bytes: number;
}

/** What a surface is told when a job ends: the pictures (and an animate job's video), or why there are none. */
export type Outcome =
  | {
      ok: true;
      /** For animate: frame 0 as a PNG still (with the clip's parameters). */
      images: { artifact: string; seed: number; contentType: string }[];
      grid?: string;
      /** Present for animate jobs: send this, sized for the job's surface (see warnings). */
      video?: VideoOutcome;
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
  /** The renderer's installed models' natural sizes and defaults, for jobs admitted without them. */
  modelDefaults?: (model: string) => ModelDefaults | undefined;
  mediaResolvers?: Partial<Record<'discord' | 'telegram', MediaResolver>>;
  repliers?: Partial<Record<'discord' | 'telegram' | 'http', ChatReplier>>;
  moderation?: ModerationPolicy;
  callbackSecret?: string;
  fetch?: { maxBytes: number; timeoutMs: number; allowPrivate?: AllowPrivate };
  /** ffmpeg binary and byte budget per destination for animate jobs' clips. */
  video?: { ffmpegPath?: string; maxBytes?: Partial<Record<'discord' | 'telegram' | 'http', number>> };
  /** How long results are kept. */
  resultTtlMs?: number;
  /** Lets the render component read earlier outputs (upscale and variation of a past job). */
  loadState?: (jobId: string) => Promise<JobState | undefined>;
  log?: (line: string) => void;
}
