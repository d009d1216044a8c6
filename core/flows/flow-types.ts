// A flow is data: modules in order, each a set of components with dependencies. The orchestrator
// runs it; nothing here knows about Redis or BullMQ.
import type { JobKind } from '../job/job.ts';

/** Resource class of a component: which worker pool runs it. */
export type ResourceQueue = 'io' | 'cpu' | 'gpu';

export const JOB_STATUSES = [
  'received',
  'ingesting',
  'rendering',
  'encoding',
  'delivering',
  'done',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** The statuses a job ends in; the one list of them (the Lua transitions get it when loaded). */
export const FINAL_STATUSES = ['done', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export function isFinalStatus(status: string): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export interface ComponentDef {
  /** Unique in its flow, e.g. `fetch-media`. */
  name: string;
  /** Its 2-bit slot in the job's called/returned words, 0..31, unique in its flow. */
  slot: number;
  /** Components (of this module or earlier ones) that must have returned success first. */
  deps: readonly string[];
  queue: ResourceQueue;
  /** How long one attempt may run before it counts as failed. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
}

export interface ModuleDef {
  name: string;
  /** The job's status when this module may start (the previous module's running status). */
  status: JobStatus;
  /** The job's status while this module runs. */
  nextStatus: JobStatus;
  components: readonly ComponentDef[];
}

export interface FlowDef {
  kind: JobKind;
  modules: readonly ModuleDef[];
}
