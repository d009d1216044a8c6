// The dispatcher's public face: submits jobs, records component results and enqueues what became
// runnable. Every state change is one Lua script (transitions.ts); enqueueing is the second step
// (dispatch.ts), with deterministic BullMQ job ids so a repeated enqueue by the sweeper (sweeper.ts)
// adds nothing twice. Reads are in state-reads.ts, the GPU queue's round-robin in fairness.ts.
import type { Redis } from 'ioredis';
import type { FlowDef, JobStatus } from '../../core/flows/flow-types.ts';
import type { Job, JobKind } from '../../core/job/job.ts';
import type { JobEvents } from '../events/job-events.ts';
import { makeContext, type OrchestratorContext, type OrchestratorOptions } from './context.ts';
import { announcePositions, enqueue } from './dispatch.ts';
import { releaseFairSlot } from './fairness.ts';
import type { JobState } from './job-state.ts';
import type { Keys } from './keys.ts';
import type { QueuePosition } from './queue-position.ts';
import { readState, renderPosition } from './state-reads.ts';
import { sweep } from './sweeper.ts';
import { type ComponentResult, cancelJob, completeComponent, submitJob } from './transitions.ts';

export type {
  ComponentMessage,
  JobTransition,
  OrchestratorOptions,
  OwnerLimits,
} from './context.ts';
export { bullJobId } from './keys.ts';

export class Orchestrator {
  readonly keys: Keys;
  readonly redis: Redis;
  readonly events: JobEvents;
  /** How long a finished job's state is kept. */
  readonly ttlMs: number;
  private readonly ctx: OrchestratorContext;

  constructor(options: OrchestratorOptions) {
    this.ctx = makeContext(options);
    this.keys = this.ctx.keys;
    this.redis = this.ctx.redis;
    this.events = this.ctx.events;
    this.ttlMs = this.ctx.ttlMs;
  }

  flowOf(kind: JobKind): FlowDef {
    return this.ctx.flowFor(kind);
  }

  /** Accepts a validated job and dispatches its first components. Submitting the same id twice is a no-op. */
  /** `job` in the answer is the job as stored: admission may have applied its model's defaults. */
  submit(job: Job): Promise<{ status: JobStatus; started: string[]; existed: boolean; job: Job }> {
    return submitJob(this.ctx, job);
  }

  /** Records a component's result and dispatches whatever became runnable. Repeated reports are ignored. */
  complete(
    jobId: string,
    component: string,
    result: ComponentResult,
    /** The job, when the caller has it already: saves a read on every hop. */
    known?: Pick<Job, 'kind' | 'owner' | 'priority'>,
  ): Promise<{ status: JobStatus | 'missing'; started: string[]; duplicate: boolean }> {
    return completeComponent(this.ctx, jobId, component, result, known);
  }

  /** Cancels an unfinished job. `owner` must match unless it is undefined (operators). */
  cancel(jobId: string, owner: string | undefined, reason = 'cancelled by its owner'): Promise<string[]> {
    return cancelJob(this.ctx, jobId, owner, reason);
  }

  /** Adds one BullMQ job per component, on the queue of its resource class. */
  enqueue(
    job: Pick<Job, 'id' | 'kind' | 'owner' | 'priority'>,
    components: readonly string[],
  ): Promise<void> {
    return enqueue(this.ctx, job, components);
  }

  state(jobId: string): Promise<JobState | undefined> {
    return readState(this.ctx, jobId);
  }

  /** Where a job's render waits in the GPU queue (0 when it is not waiting). */
  position(jobId: string): Promise<QueuePosition> {
    return renderPosition(this.ctx, jobId);
  }

  /** Tells the first waiting renders their new place, after one left the queue. */
  announcePositions(limit = 20): Promise<void> {
    return announcePositions(this.ctx, limit);
  }

  /** A render ended (or was removed): its owner's next render moves up. */
  releaseFairSlot(owner: string): Promise<void> {
    return releaseFairSlot(this.ctx, owner);
  }

  /**
   * Re-adds components marked called, not returned, whose BullMQ job is gone, and notices never
   * queued: a dispatcher that died between its two steps.
   */
  sweep(options: { notifyGraceMs?: number } = {}): Promise<number> {
    return sweep(this.ctx, options);
  }
}
