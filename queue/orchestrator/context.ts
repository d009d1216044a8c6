// What the orchestrator's parts share: its options as given, resolved once (defaults filled in,
// scripts loaded), and the message a component's queue job carries.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FinalStatus, FlowDef, ResourceQueue } from '../../core/flows/flow-types.ts';
import type { Job, JobKind } from '../../core/job/job.ts';
import type { JobEvents } from '../events/job-events.ts';
import { type Keys, makeKeys } from './keys.ts';
import { loadScripts, type ScriptRunner } from './scripts.ts';

export interface OwnerLimits {
  /** Unfinished jobs one owner may have; 0 = no cap. */
  maxActive: number;
  /** Token bucket: submissions per minute and burst; 0 = no limit. */
  perMinute: number;
  burst: number;
}

export interface OrchestratorOptions {
  redis: Redis;
  queues: Record<ResourceQueue, Queue>;
  events: JobEvents;
  flowFor: (kind: JobKind) => FlowDef;
  limits?: OwnerLimits;
  /** How long a finished job's state stays readable. */
  finishedTtlMs?: number;
  keys?: Keys;
  /**
   * Checks a job can be served (e.g. some live renderer has its model); throws JobRefusedError if not.
   * May return the job as it will be drawn (its model's defaults applied): that job is the one stored.
   */
  admit?: (job: Job) => Promise<Job | undefined>;
  /** Live renderers, for wait estimates; 1 when unknown. */
  countRenderers?: () => Promise<number>;
  /** Gets one line per job transition (accepted, and how it ended). */
  log?: (line: string) => void;
  /** Told of the same transitions as data (metrics count them). */
  onTransition?: (transition: JobTransition) => void;
}

/** A job accepted, or ended by this process; `durationMs` from submit to the end. */
export interface JobTransition {
  jobId: string;
  kind: string;
  status: 'accepted' | FinalStatus;
  durationMs?: number;
}

export interface ComponentMessage {
  jobId: string;
  component: string;
  owner: string;
  /** Set when a renderer handed the job back for one that has its model loaded. */
  handedBack?: boolean;
}

export interface OrchestratorContext extends Omit<OrchestratorOptions, 'keys' | 'limits' | 'finishedTtlMs'> {
  keys: Keys;
  limits: OwnerLimits;
  /** How long a finished job's state stays readable. */
  ttlMs: number;
  scripts: ScriptRunner;
}

export function makeContext(options: OrchestratorOptions): OrchestratorContext {
  return {
    ...options,
    keys: options.keys ?? makeKeys(),
    limits: options.limits ?? { maxActive: 0, perMinute: 0, burst: 0 },
    ttlMs: options.finishedTtlMs ?? 7 * 24 * 3600 * 1000,
    scripts: loadScripts(options.redis),
  };
}
