// Runs components: one BullMQ worker per resource class this process serves. A handler's result is
// recorded with the orchestrator (which dispatches what comes next); an error is retried by BullMQ
// until the component's last attempt, then recorded as the job's failure with a user-facing reason.
import { type Job as BullJob, DelayedError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobRefusedError, ValidationError } from '../../core/errors.ts';
import { componentByName } from '../../core/flows/flow-queries.ts';
import { type ComponentDef, isFinalStatus, type ResourceQueue } from '../../core/flows/flow-types.ts';
import { NOTIFY, NOTIFY_COMPONENT } from '../../core/flows/notify.ts';
import type { Job } from '../../core/job/job.ts';
import type { JobEvent } from '../events/event-types.ts';
import type { JobState } from './job-state.ts';
import type { ComponentMessage, Orchestrator } from './orchestrator.ts';
import { recordRenderTime } from './queue-position.ts';

export interface ComponentContext {
  jobId: string;
  job: Job;
  state: JobState;
  component: ComponentDef;
  /** 1 for the first attempt. */
  attempt: number;
  /** Fires on cancel and on the component's timeout. */
  signal: AbortSignal;
  publish(event: JobEvent): Promise<void>;
  /**
   * Runs an effect at most once per job and component (a message posted, a callback sent): a retry
   * after the effect happened skips it.
   */
  once<T>(effect: () => Promise<T>): Promise<T | undefined>;
}

export type ComponentHandler = (ctx: ComponentContext) => Promise<unknown>;

/** A failure the user should read as is; anything else becomes "internal error". */
export class ComponentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** False when trying again cannot help (bad input). */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'ComponentError';
  }
}

export interface ComponentWorkersOptions {
  orchestrator: Orchestrator;
  /** A connection BullMQ may block on (maxRetriesPerRequest: null). */
  connection: Redis;
  queueNames: Record<ResourceQueue, string>;
  /** BullMQ key prefix, the same as the queues'. */
  prefix: string;
  handlers: Readonly<Record<string, ComponentHandler>>;
  serve: readonly ResourceQueue[];
  concurrency?: Partial<Record<ResourceQueue, number>>;
  /** Lock of a running component; a worker that dies loses its jobs to others after this. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * For GPU work: whether another renderer would serve this job better (it has the model loaded and
   * is idle). Such a job is handed back once, and this worker steps aside while the other takes it.
   */
  preferOther?: (job: Job) => Promise<boolean>;
  /** How long a renderer steps aside for a better-placed one (300 ms). */
  stepAsideMs?: number;
  /**
   * For GPU work: notes which BullMQ job this renderer holds with which lock token while it runs, so
   * that the job is handed on at once if this renderer's heartbeat stops (queue/workers).
   */
  holds?: {
    hold(bullJobId: string, token: string): Promise<void>;
    release(bullJobId: string, token: string): Promise<void>;
  };
  log?: (line: string) => void;
}

/** How long a renderer steps aside for a better-placed one; long enough for it to pick the job up. */
const STEP_ASIDE_MS = 300;

/** The abort reason of a component stopped because this process is shutting down. */
const SHUTDOWN = new Error('this process is shutting down');

/** An effect guarded by a dedupe key: skipped when a previous attempt already completed it. */
function runOnce(redis: Redis, key: string, ttlMs: number): ComponentContext['once'] {
  return async (effect) => {
    if (await redis.exists(key)) return undefined;
    const value = await effect();
    // Kept as long as the job: a retry or re-delivery can only come while the job is kept.
    await redis.set(key, '1', 'PX', ttlMs);
    return value;
  };
}

function failureOf(err: unknown): { code: string; message: string; retryable: boolean } {
  if (err instanceof ComponentError)
    return { code: err.code, message: err.message, retryable: err.retryable };
  if (err instanceof ValidationError)
    return { code: 'invalid_input', message: err.message, retryable: false };
  if (err instanceof JobRefusedError) return { code: err.code, message: err.message, retryable: false };
  return {
    code: 'internal',
    message: `internal error: ${(err as Error)?.message ?? String(err)}`,
    retryable: true,
  };
}

export class ComponentWorkers {
  private readonly workers: Worker[] = [];
  private readonly running = new Map<string, Set<AbortController>>();
  private cancelListener?: Redis;
  private closing = false;

  constructor(private readonly options: ComponentWorkersOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    const orch = o.orchestrator;
    this.cancelListener = o.connection.duplicate();
    this.cancelListener.on('error', (err: Error) => o.log?.(`cancel listener: ${err.message}`));
    this.cancelListener.on('message', (_c: string, jobId: string) => {
      for (const controller of this.running.get(jobId) ?? []) controller.abort(new Error('cancelled'));
    });
    await this.cancelListener.subscribe(orch.keys.cancelChannel);
    for (const queue of o.serve) {
      const worker = new Worker<ComponentMessage>(
        o.queueNames[queue],
        (job, token) => this.process(job, token),
        {
          connection: o.connection,
          prefix: o.prefix,
          concurrency: o.concurrency?.[queue] ?? (queue === 'gpu' ? 1 : 8),
          lockDuration: o.lockDurationMs ?? 30_000,
          stalledInterval: o.stalledIntervalMs ?? 15_000,
          maxStalledCount: 2,
        },
      );
      // Covers what the processor could not record itself, e.g. a job that stalled too often.
      worker.on('failed', (job, err) => {
        if (!job) return;
        const attempts = job.opts.attempts ?? 1;
        if (job.attemptsMade < attempts && !/stalled/i.test(err.message)) return;
        void this.recordFailure(job.data, failureOf(err)).catch(() => undefined);
      });
      worker.on('error', (err) => o.log?.(`worker ${queue}: ${err.message}`));
      this.workers.push(worker);
    }
  }

  private async recordFailure(message: ComponentMessage, failure: { code: string; message: string }) {
    const orch = this.options.orchestrator;
    const state = await orch.state(message.jobId);
    const def = state && componentByName(orch.flowOf(state.job.kind), message.component);
    const result = await orch.complete(message.jobId, message.component, { ok: false, ...failure });
    if (def?.queue === 'gpu' && !result.duplicate) await orch.releaseFairSlot(message.owner);
  }

  private async process(bullJob: BullJob<ComponentMessage>, token?: string): Promise<void> {
    const { jobId, component } = bullJob.data;
    const orch = this.options.orchestrator;
    if (this.closing) return this.handBack(bullJob, token);
    const state = await orch.state(jobId);
    if (!state) return;
    if (component === NOTIFY) {
      await this.notify(bullJob, state);
      return;
    }
    if (isFinalStatus(state.status)) return;
    // Its result is recorded already (a duplicate delivery of the queue job): nothing to redo.
    const slot = state.components.find((c) => c.name === component)?.state;
    if (slot === 'succeeded' || slot === 'failed') return;
    const def = componentByName(orch.flowOf(state.job.kind), component);
    const handler = this.options.handlers[component];
    if (!def || !handler) {
      await this.recordFailure(bullJob.data, {
        code: 'internal',
        message: `internal error: no handler for component ${component}`,
      });
      return;
    }
    if (def.queue === 'gpu') {
      const deadline = state.job.deadline ? Date.parse(state.job.deadline) : Number.POSITIVE_INFINITY;
      if (deadline < Date.now()) {
        await orch
          .cancel(jobId, undefined, `the job was not started before its deadline (${state.job.deadline})`)
          .catch(() => undefined);
        return;
      }
      if (!bullJob.data.handedBack && (await this.options.preferOther?.(state.job))) {
        // Back to the queue for a moment; this worker holds its slot meanwhile, so the better-placed
        // renderer is the one that takes it. Only once per job: it never waits for a renderer twice.
        await bullJob.updateData({ ...bullJob.data, handedBack: true });
        const aside = this.options.stepAsideMs ?? STEP_ASIDE_MS;
        await bullJob.moveToDelayed(Date.now() + aside / 3, token);
        await new Promise((r) => setTimeout(r, aside));
        throw new DelayedError();
      }
      void orch.announcePositions().catch(() => undefined);
    }
    const holds = def.queue === 'gpu' && token && bullJob.id ? this.options.holds : undefined;
    await holds?.hold(bullJob.id as string, token as string);
    const startedAt = Date.now();
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(def.timeoutMs)]);
    const set = this.running.get(jobId) ?? new Set();
    set.add(controller);
    this.running.set(jobId, set);
    const dedupeKey = orch.keys.dedupe(jobId, component);
    const ctx: ComponentContext = {
      jobId,
      job: state.job,
      state,
      component: def,
      attempt: bullJob.attemptsMade + 1,
      signal,
      publish: (event) => orch.events.publish(jobId, event),
      once: runOnce(orch.redis, dedupeKey, orch.ttlMs),
    };
    // A handler that ignores its signal must still not hold the job past its timeout.
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const output = await Promise.race([handler(ctx), aborted]);
      if (controller.signal.reason === SHUTDOWN) return await this.handBack(bullJob, token);
      if (signal.aborted && controller.signal.aborted) return; // cancelled: the job is final already
      await orch.complete(jobId, component, { ok: true, output }, state.job);
      if (def.queue === 'gpu') {
        await orch.releaseFairSlot(bullJob.data.owner);
        await recordRenderTime(orch.redis, orch.keys.stats, Date.now() - startedAt);
      }
    } catch (err) {
      if (controller.signal.reason === SHUTDOWN) return await this.handBack(bullJob, token);
      if (controller.signal.aborted) return;
      const failure = signal.aborted
        ? {
            code: 'timeout',
            message: `${component} took longer than ${def.timeoutMs / 1000} s`,
            retryable: true,
          }
        : failureOf(err);
      const last = bullJob.attemptsMade + 1 >= (bullJob.opts.attempts ?? 1);
      if (!failure.retryable || last) {
        await this.recordFailure(bullJob.data, failure);
        return;
      }
      throw err;
    } finally {
      set.delete(controller);
      if (set.size === 0) this.running.delete(jobId);
      await holds?.release(bullJob.id as string, token as string).catch(() => undefined);
    }
  }

  /**
   * Puts a component stopped by shutdown back in its queue as it was (no attempt spent), for another
   * process or the next start; BullMQ then leaves it alone.
   */
  private async handBack(bullJob: BullJob<ComponentMessage>, token?: string): Promise<never> {
    await bullJob.moveToWait(token);
    throw new WaitingError();
  }

  /** Tells the origin about a failed or cancelled job; BullMQ retries it on error. */
  private async notify(bullJob: BullJob<ComponentMessage>, state: JobState): Promise<void> {
    const handler = this.options.handlers[NOTIFY];
    if (!handler) {
      await this.options.orchestrator.redis.zrem(this.options.orchestrator.keys.notifyPending, state.id);
      return;
    }
    const def = NOTIFY_COMPONENT;
    const dedupeKey = this.options.orchestrator.keys.dedupe(state.id, NOTIFY);
    const redis = this.options.orchestrator.redis;
    await handler({
      jobId: state.id,
      job: state.job,
      state,
      component: def,
      attempt: bullJob.attemptsMade + 1,
      signal: AbortSignal.timeout(def.timeoutMs),
      publish: (event) => this.options.orchestrator.events.publish(state.id, event),
      once: runOnce(redis, dedupeKey, this.options.orchestrator.ttlMs),
    });
    await redis.zrem(this.options.orchestrator.keys.notifyPending, state.id);
  }

  /**
   * Stops taking jobs and stops the running ones at their next step (a render stops between two
   * denoising steps); each goes back to its queue. Resolves when every worker has let go.
   */
  async close(): Promise<void> {
    this.closing = true;
    const closed = Promise.all(this.workers.map((w) => w.close()));
    for (const set of this.running.values()) for (const controller of set) controller.abort(SHUTDOWN);
    await closed;
    await this.cancelListener?.quit().catch(() => undefined);
    await this.options.connection.quit().catch(() => undefined);
  }
}
