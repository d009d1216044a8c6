// The three transitions of a job: submit, complete (a component's result) and cancel. Each is one Lua
// script (lua/<name>-<keys>.lua, which documents its KEYS, ARGV and replies) that changes the job's
// state and announces it; then the components it marked called are enqueued, and the transition is
// logged. Replies are turned into results or into the JobRefusedError a user reads.
import { JobRefusedError } from '../../core/errors.ts';
import { componentByName } from '../../core/flows/flow-queries.ts';
import { isFinalStatus, type JobStatus } from '../../core/flows/flow-types.ts';
import type { Job, JobKind } from '../../core/job/job.ts';
import { streamArgs } from '../events/job-events.ts';
import type { OrchestratorContext } from './context.ts';
import { enqueue, enqueueNotify } from './dispatch.ts';
import { releaseFairSlot } from './fairness.ts';
import { toWireFlow } from './flow-wire.ts';
import { acceptedLine, endedLine } from './job-log.ts';
import { bullJobId } from './keys.ts';
import { readJobHead, readState } from './state-reads.ts';

export type ComponentResult = { ok: true; output?: unknown } | { ok: false; code: string; message: string };

/** KEYS 1-5 of every script: the job's hash, called and returned bits, the active set, the owner's set. */
function jobKeys(ctx: OrchestratorContext, id: string, owner: string): string[] {
  const k = ctx.keys;
  return [k.job(id), k.called(id), k.returned(id), k.active, k.ownerActive(owner)];
}

/** Accepts a validated job and dispatches its first components. Submitting the same id twice is a no-op. */
export async function submitJob(
  ctx: OrchestratorContext,
  given: Job,
): Promise<{ status: JobStatus; started: string[]; existed: boolean; job: Job }> {
  // Admission may hand back the job with its model's defaults: that is the job stored and drawn.
  const job = (await ctx.admit?.(given)) ?? given;
  const flow = ctx.flowFor(job.kind);
  const k = ctx.keys;
  const stream = streamArgs(k, job.id, ctx.ttlMs);
  const reply = await ctx.scripts.run(
    'submit',
    [...jobKeys(ctx, job.id, job.owner), k.bucket(job.owner), k.notifyPending, ...stream.keys],
    [
      job.id,
      job.kind,
      job.owner,
      JSON.stringify(job),
      JSON.stringify(toWireFlow(flow)),
      flow.modules[0].nextStatus,
      Date.now(),
      ctx.ttlMs,
      ctx.limits.maxActive,
      ctx.limits.perMinute,
      Math.max(1, ctx.limits.burst),
      job.priority,
      ...stream.args,
    ],
  );
  const [outcome, ...rest] = reply;
  if (outcome === 'exists') {
    const state = await readState(ctx, job.id);
    return { status: state?.status ?? 'received', started: [], existed: true, job: state?.job ?? job };
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
  ctx.log?.(acceptedLine(job.id, job.kind, job.owner));
  ctx.onTransition?.({ jobId: job.id, kind: job.kind, status: 'accepted' });
  // The script announced the first status itself.
  await enqueue(ctx, job, rest);
  // Workers may have moved the job on already; they announce their own transitions.
  const state = await readState(ctx, job.id);
  return { status: state?.status ?? flow.modules[0].nextStatus, started: rest, existed: false, job };
}

/** Records a component's result and dispatches whatever became runnable. Repeated reports are ignored. */
export async function completeComponent(
  ctx: OrchestratorContext,
  jobId: string,
  component: string,
  result: ComponentResult,
  /** The job, when the caller has it already: saves a read on every hop. */
  known?: Pick<Job, 'kind' | 'owner' | 'priority'>,
): Promise<{ status: JobStatus | 'missing'; started: string[]; duplicate: boolean }> {
  const head = known ?? (await readJobHead(ctx, jobId));
  if (!head) return { status: 'missing', started: [], duplicate: false };
  const { kind, owner, priority } = head;
  const def = componentByName(ctx.flowFor(kind), component);
  if (!def) throw new Error(`component ${component} is not in the ${kind} flow`);
  const output = result.ok && result.output !== undefined ? JSON.stringify(result.output) : '';
  const stream = streamArgs(ctx.keys, jobId, ctx.ttlMs);
  const reply = await ctx.scripts.run(
    'complete',
    [...jobKeys(ctx, jobId, owner), ctx.keys.notifyPending, ...stream.keys],
    [
      jobId,
      def.slot,
      result.ok ? 1 : 2,
      output ? `out:${component}` : '',
      output,
      result.ok ? '' : result.code,
      result.ok ? '' : result.message,
      Date.now(),
      ctx.ttlMs,
      component,
      ...stream.args,
    ],
  );
  if (reply[0] === 'duplicate') return { status: reply[1] as JobStatus, started: [], duplicate: true };
  if (reply[0] === 'missing') return { status: 'missing', started: [], duplicate: false };
  // The script announced the new status (or the final event) itself.
  const [status, ended, ...started] = reply as [JobStatus, string, ...string[]];
  await Promise.all([
    enqueue(ctx, { id: jobId, kind, owner, priority }, started),
    ended === '1' && status === 'failed' ? enqueueNotify(ctx, jobId, owner) : undefined,
    ended === '1' ? logEnd(ctx, jobId).catch(() => undefined) : undefined,
  ]);
  return { status, started, duplicate: false };
}

/** Cancels an unfinished job. `owner` must match unless it is undefined (operators). */
export async function cancelJob(
  ctx: OrchestratorContext,
  jobId: string,
  owner: string | undefined,
  reason: string,
): Promise<string[]> {
  const ownerOfJob = await ctx.redis.hget(ctx.keys.job(jobId), 'owner');
  if (!ownerOfJob) throw new JobRefusedError('not_found', `no job ${jobId}`);
  const stream = streamArgs(ctx.keys, jobId, ctx.ttlMs);
  const reply = await ctx.scripts.run(
    'cancel',
    [...jobKeys(ctx, jobId, ownerOfJob), ctx.keys.notifyPending, ...stream.keys],
    [jobId, owner ?? '', reason, Date.now(), ctx.ttlMs, ...stream.args],
  );
  if (reply[0] === 'forbidden')
    throw new JobRefusedError('forbidden', 'only the owner of a job can cancel it');
  if (reply[0] === 'final') throw new JobRefusedError('final', `the job is already ${reply[1]}`);
  const pending = reply.slice(1);
  const kind = (await ctx.redis.hget(ctx.keys.job(jobId), 'kind')) as JobKind;
  const flow = ctx.flowFor(kind);
  for (const name of pending) {
    const def = componentByName(flow, name)!;
    // A queued component is removed; a running one is told to stop (it is locked, so remove fails).
    await ctx.queues[def.queue].remove(bullJobId(jobId, name)).catch(() => 0);
    if (def.queue === 'gpu') await releaseFairSlot(ctx, ownerOfJob);
  }
  await ctx.redis.publish(ctx.keys.cancelChannel, jobId);
  // The script announced the cancellation itself.
  await enqueueNotify(ctx, jobId, ownerOfJob);
  await logEnd(ctx, jobId).catch(() => undefined);
  return pending;
}

/** The line that says how a job ended and how long it took. */
async function logEnd(ctx: OrchestratorContext, jobId: string): Promise<void> {
  const { log, onTransition } = ctx;
  if (!log && !onTransition) return;
  const [status, created, finished, code, message, kind] = await ctx.redis.hmget(
    ctx.keys.job(jobId),
    'status',
    'created',
    'finished',
    'error_code',
    'error',
    'kind',
  );
  if (!status || !isFinalStatus(status)) return;
  const took = Number(finished ?? Date.now()) - Number(created);
  log?.(endedLine(jobId, status, took, { code: code ?? undefined, message: message ?? undefined }));
  onTransition?.({ jobId, kind: kind ?? 'unknown', status, durationMs: took });
}
