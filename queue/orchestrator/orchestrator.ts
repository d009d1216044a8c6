// The dispatcher: submits jobs, records component results and enqueues what became runnable. Every
// state change is one Lua script; enqueueing is the second step, with deterministic BullMQ job ids so
// a repeated enqueue (by the sweeper, after a crash between the steps) adds nothing twice.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobRefusedError } from '../../core/errors.ts';
import { componentByName } from '../../core/flows/flow-queries.ts';
import type { FlowDef, JobStatus, ResourceQueue } from '../../core/flows/flow-types.ts';
import type { Job, JobKind } from '../../core/job/job.ts';
import { type JobEvents, streamArgs } from '../events/job-events.ts';
import { toWireFlow } from './flow-wire.ts';
import { acceptedLine, endedLine } from './job-log.ts';
import { type JobState, slotBits, slotState } from './job-state.ts';
import { type Keys, makeKeys } from './keys.ts';
import { type QueuePosition, queuePosition } from './queue-position.ts';
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
  /** Checks a job can be served (e.g. some live renderer has its model); throws JobRefusedError if not. */
  admit?: (job: Job) => Promise<void>;
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
  status: 'accepted' | 'done' | 'failed' | 'cancelled';
  durationMs?: number;
}

export interface ComponentMessage {
  jobId: string;
  component: string;
  owner: string;
  /** Set when a renderer handed the job back for one that has its model loaded. */
  handedBack?: boolean;
}

/** The component that tells the origin a job failed or was cancelled; outside every flow. */
export const NOTIFY = 'notify';

/** A notice is only re-queued by the sweeper after this long, so it never races the normal path. */
const NOTIFY_GRACE_MS = 10_000;

const TIER_BASE = { high: 1, normal: 100_000, low: 1_000_000 } as const;

/** The BullMQ priority of an owner's k-th outstanding render in its tier. */
function fairPriorityOf(tier: keyof typeof TIER_BASE, outstanding: number): number {
  return (TIER_BASE[tier] ?? TIER_BASE.normal) + Math.min(Math.max(outstanding, 1), 99_999);
}

export class Orchestrator {
  readonly keys: Keys;
  readonly redis: Redis;
  readonly events: JobEvents;
  private readonly scripts: ScriptRunner;
  private readonly limits: OwnerLimits;
  private readonly ttl: number;

  constructor(private readonly options: OrchestratorOptions) {
    this.keys = options.keys ?? makeKeys();
    this.redis = options.redis;
    this.events = options.events;
    this.scripts = loadScripts(options.redis);
    this.limits = options.limits ?? { maxActive: 0, perMinute: 0, burst: 0 };
    this.ttl = options.finishedTtlMs ?? 7 * 24 * 3600 * 1000;
  }

  flowOf(kind: JobKind): FlowDef {
    return this.options.flowFor(kind);
  }

  private jobKeys(id: string, owner: string): string[] {
    const k = this.keys;
    return [k.job(id), k.called(id), k.returned(id), k.active, k.ownerActive(owner)];
  }

  /** Accepts a validated job and dispatches its first components. Submitting the same id twice is a no-op. */
  async submit(job: Job): Promise<{ status: JobStatus; started: string[]; existed: boolean }> {
    await this.options.admit?.(job);
    const flow = this.options.flowFor(job.kind);
    const k = this.keys;
    const stream = streamArgs(k, job.id);
    const reply = await this.scripts.run(
      'imgSubmit',
      [...this.jobKeys(job.id, job.owner), k.bucket(job.owner), k.notifyPending, ...stream.keys],
      [
        job.id,
        job.kind,
        job.owner,
        JSON.stringify(job),
        JSON.stringify(toWireFlow(flow)),
        flow.modules[0].nextStatus,
        Date.now(),
        this.ttl,
        this.limits.maxActive,
        this.limits.perMinute,
        Math.max(1, this.limits.burst),
        job.priority,
        ...stream.args,
      ],
    );
    const [outcome, ...rest] = reply;
    if (outcome === 'exists') {
      const state = await this.state(job.id);
      return { status: state?.status ?? 'received', started: [], existed: true };
    }
    if (outcome === 'owner_cap') {
      throw new JobRefusedError(
        'owner_cap',
        `you already have ${rest[0]} jobs queued or running: wait for one to finish`,
      );
    }
    if (outcome === 'rate_limited') {
      const wait = Number(rest[0]);
      throw new JobRefusedError(
        'rate_limited',
        `too many requests: try again in ${Math.ceil(wait / 1000)} s`,
        wait,
      );
    }
    this.options.log?.(acceptedLine(job.id, job.kind, job.owner));
    this.options.onTransition?.({ jobId: job.id, kind: job.kind, status: 'accepted' });
    // The script announced the first status itself.
    await this.enqueue(job, rest);
    // Workers may have moved the job on already; they announce their own transitions.
    const state = await this.state(job.id);
    return { status: state?.status ?? flow.modules[0].nextStatus, started: rest, existed: false };
  }

  /** Adds one BullMQ job per component, on the queue of its resource class. */
  async enqueue(
    job: Pick<Job, 'id' | 'kind' | 'owner' | 'priority'>,
    components: readonly string[],
  ): Promise<void> {
    const flow = this.options.flowFor(job.kind);
    await Promise.all(
      components.map(async (name) => {
        const def = componentByName(flow, name)!;
        const message: ComponentMessage = { jobId: job.id, component: name, owner: job.owner };
        const priority = def.queue === 'gpu' ? await this.fairPriority(job.owner, job.priority) : undefined;
        await this.options.queues[def.queue].add(name, message, {
          jobId: bullJobId(job.id, name),
          attempts: def.retries + 1,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 24 * 3600 },
          ...(priority !== undefined ? { priority } : {}),
        });
        if (def.queue === 'gpu') {
          const where = await this.position(job.id);
          if (where.position > 0) await this.events.publish(job.id, { type: 'queue', ...where });
        }
      }),
    );
  }

  /** A failed or cancelled job still owes its origin an answer: one `notify` job on the io queue. */
  private async enqueueNotify(jobId: string, owner: string): Promise<void> {
    const message: ComponentMessage = { jobId, component: NOTIFY, owner };
    await this.options.queues.io.add(NOTIFY, message, {
      jobId: bullJobId(jobId, NOTIFY),
      attempts: 4,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600 },
    });
  }

  /** Where a job's render waits in the GPU queue (0 when it is not waiting). */
  async position(jobId: string): Promise<QueuePosition> {
    const renderers = (await this.options.countRenderers?.()) ?? 1;
    return queuePosition(
      this.redis,
      this.options.queues.gpu,
      bullJobId(jobId, 'render'),
      this.keys.stats,
      renderers,
      () => this.pendingRenderPriority(jobId),
    );
  }

  /** The priority the job's render will be queued with, while the job has not reached it yet. */
  private async pendingRenderPriority(jobId: string): Promise<number | undefined> {
    const [kind, owner, tier, status] = await this.redis.hmget(
      this.keys.job(jobId),
      'kind',
      'owner',
      'priority',
      'status',
    );
    if (!kind || !owner || !status || ['done', 'failed', 'cancelled'].includes(status)) return undefined;
    const render = componentByName(this.options.flowFor(kind as JobKind), 'render');
    if (!render) return undefined;
    if (slotBits(await this.redis.getBuffer(this.keys.called(jobId)), render.slot) !== 0) return undefined;
    const outstanding = Number(await this.redis.hget(this.keys.fairCounter, owner)) || 0;
    return fairPriorityOf((tier as keyof typeof TIER_BASE) ?? 'normal', outstanding + 1);
  }

  /** The line that says how a job ended and how long it took. */
  private async logEnd(jobId: string): Promise<void> {
    const { log, onTransition } = this.options;
    if (!log && !onTransition) return;
    const [status, created, finished, code, message, kind] = await this.redis.hmget(
      this.keys.job(jobId),
      'status',
      'created',
      'finished',
      'error_code',
      'error',
      'kind',
    );
    if (status !== 'done' && status !== 'failed' && status !== 'cancelled') return;
    const took = Number(finished ?? Date.now()) - Number(created);
    log?.(endedLine(jobId, status, took, { code: code ?? undefined, message: message ?? undefined }));
    onTransition?.({ jobId, kind: kind ?? 'unknown', status, durationMs: took });
  }

  /** Tells the first waiting renders their new place, after one left the queue. */
  async announcePositions(limit = 20): Promise<void> {
    const waiting = await this.redis.zrange(this.options.queues.gpu.keys.prioritized, '0', String(limit - 1));
    for (const bullId of waiting) {
      const jobId = bullId.slice(0, bullId.lastIndexOf('.'));
      const where = await this.position(jobId);
      if (where.position > 0) await this.events.publish(jobId, { type: 'queue', ...where });
    }
  }

  /**
   * Round-robin across owners on the GPU queue: an owner's k-th outstanding render gets priority k
   * (within its tier), so one owner's 50 jobs interleave with everyone else's first ones.
   */
  private async fairPriority(owner: string, tier: keyof typeof TIER_BASE): Promise<number> {
    return fairPriorityOf(tier, await this.redis.hincrby(this.keys.fairCounter, owner, 1));
  }

  async releaseFairSlot(owner: string): Promise<void> {
    const left = await this.redis.hincrby(this.keys.fairCounter, owner, -1);
    if (left <= 0) await this.redis.hdel(this.keys.fairCounter, owner);
  }

  /** Records a component's result and dispatches whatever became runnable. Repeated reports are ignored. */
  async complete(
    jobId: string,
    component: string,
    result: { ok: true; output?: unknown } | { ok: false; code: string; message: string },
    /** The job, when the caller has it already: saves a read on every hop. */
    known?: Pick<Job, 'kind' | 'owner' | 'priority'>,
  ): Promise<{ status: JobStatus | 'missing'; started: string[]; duplicate: boolean }> {
    let head = known;
    if (!head) {
      const [kind, owner, priority] = await this.redis.hmget(
        this.keys.job(jobId),
        'kind',
        'owner',
        'priority',
      );
      if (!kind || !owner) return { status: 'missing', started: [], duplicate: false };
      head = { kind: kind as JobKind, owner, priority: priority as Job['priority'] };
    }
    const { kind, owner, priority } = head;
    const def = componentByName(this.options.flowFor(kind), component);
    if (!def) throw new Error(`component ${component} is not in the ${kind} flow`);
    const output = result.ok && result.output !== undefined ? JSON.stringify(result.output) : '';
    const stream = streamArgs(this.keys, jobId);
    const reply = await this.scripts.run(
      'imgComplete',
      [...this.jobKeys(jobId, owner), this.keys.notifyPending, ...stream.keys],
      [
        jobId,
        def.slot,
        result.ok ? 1 : 2,
        output ? `out:${component}` : '',
        output,
        result.ok ? '' : result.code,
        result.ok ? '' : result.message,
        Date.now(),
        this.ttl,
        component,
        ...stream.args,
      ],
    );
    if (reply[0] === 'duplicate') return { status: reply[1] as JobStatus, started: [], duplicate: true };
    if (reply[0] === 'missing') return { status: 'missing', started: [], duplicate: false };
    // The script announced the new status (or the final event) itself.
    const [status, ended, ...started] = reply as [JobStatus, string, ...string[]];
    await Promise.all([
      this.enqueue({ id: jobId, kind, owner, priority }, started),
      ended === '1' && status === 'failed' ? this.enqueueNotify(jobId, owner) : undefined,
      ended === '1' ? this.logEnd(jobId).catch(() => undefined) : undefined,
    ]);
    return { status, started, duplicate: false };
  }

  /** Cancels an unfinished job. `owner` must match unless it is undefined (operators). */
  async cancel(
    jobId: string,
    owner: string | undefined,
    reason = 'cancelled by its owner',
  ): Promise<string[]> {
    const ownerOfJob = await this.redis.hget(this.keys.job(jobId), 'owner');
    if (!ownerOfJob) throw new JobRefusedError('not_found', `no job ${jobId}`);
    const stream = streamArgs(this.keys, jobId);
    const reply = await this.scripts.run(
      'imgCancel',
      [...this.jobKeys(jobId, ownerOfJob), this.keys.notifyPending, ...stream.keys],
      [jobId, owner ?? '', reason, Date.now(), this.ttl, ...stream.args],
    );
    if (reply[0] === 'forbidden')
      throw new JobRefusedError('forbidden', 'only the owner of a job can cancel it');
    if (reply[0] === 'final') throw new JobRefusedError('final', `the job is already ${reply[1]}`);
    const pending = reply.slice(1);
    const kind = (await this.redis.hget(this.keys.job(jobId), 'kind')) as JobKind;
    const flow = this.options.flowFor(kind);
    for (const name of pending) {
      const def = componentByName(flow, name)!;
      // A queued component is removed; a running one is told to stop (it is locked, so remove fails).
      await this.options.queues[def.queue].remove(bullJobId(jobId, name)).catch(() => 0);
      if (def.queue === 'gpu') await this.releaseFairSlot(ownerOfJob);
    }
    await this.redis.publish(this.keys.cancelChannel, jobId);
    // The script announced the cancellation itself.
    await this.enqueueNotify(jobId, ownerOfJob);
    await this.logEnd(jobId).catch(() => undefined);
    return pending;
  }

  async state(jobId: string): Promise<JobState | undefined> {
    const k = this.keys;
    const [fields, called, returned] = await Promise.all([
      this.redis.hgetall(k.job(jobId)),
      this.redis.getBuffer(k.called(jobId)),
      this.redis.getBuffer(k.returned(jobId)),
    ]);
    if (!fields.id) return undefined;
    const job = JSON.parse(fields.job) as Job;
    const flow = this.options.flowFor(job.kind);
    const module = Number(fields.module);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (key.startsWith('out:')) outputs[key.slice(4)] = JSON.parse(value);
    }
    return {
      id: jobId,
      job,
      status: fields.status as JobStatus,
      module,
      moduleName: flow.modules[module]?.name ?? '',
      components: flow.modules.flatMap((m) =>
        m.components.map((c) => ({
          name: c.name,
          slot: c.slot,
          state: slotState(slotBits(called, c.slot), slotBits(returned, c.slot)),
        })),
      ),
      outputs,
      ...(fields.error_code ? { error: { code: fields.error_code, message: fields.error ?? '' } } : {}),
      createdAt: Number(fields.created),
      updatedAt: Number(fields.updated),
      ...(fields.finished ? { finishedAt: Number(fields.finished) } : {}),
    };
  }

  /**
   * Re-adds components marked called, not returned, whose BullMQ job is gone: a dispatcher that
   * died between its two steps. Deterministic ids make this safe to run any time.
   */
  async sweep(options: { notifyGraceMs?: number } = {}): Promise<number> {
    const ids = await this.redis.zrange(this.keys.active, '0', '-1');
    let readded = 0;
    for (const id of ids) {
      const state = await this.state(id);
      if (!state) continue;
      const flow = this.options.flowFor(state.job.kind);
      for (const c of state.components) {
        if (c.state !== 'called') continue;
        const def = componentByName(flow, c.name)!;
        const existing = await this.options.queues[def.queue].getJob(bullJobId(id, c.name));
        if (existing) continue;
        await this.enqueue(state.job, [c.name]);
        readded++;
      }
    }
    // Failed or cancelled jobs whose notice was never queued (a crash right after the transition).
    const owed = await this.redis.zrangebyscore(
      this.keys.notifyPending,
      '-inf',
      String(Date.now() - (options.notifyGraceMs ?? NOTIFY_GRACE_MS)),
    );
    for (const id of owed) {
      if (await this.options.queues.io.getJob(bullJobId(id, NOTIFY))) continue;
      const owner = await this.redis.hget(this.keys.job(id), 'owner');
      if (!owner) {
        await this.redis.zrem(this.keys.notifyPending, id);
        continue;
      }
      await this.enqueueNotify(id, owner);
      readded++;
    }
    return readded;
  }
}

/** BullMQ refuses ids with ':'; one id per job and component, so an add is never repeated. */
export function bullJobId(jobId: string, component: string): string {
  return `${jobId}.${component}`;
}
