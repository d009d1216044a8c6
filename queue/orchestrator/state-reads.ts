// Reading a job back from Redis: its state (status, module, each component's slot bits, outputs),
// and where its render waits in the GPU queue. Nothing here changes a job.
import type { JobStatus } from '../../core/flows/flow-types.ts';
import type { Job } from '../../core/job/job.ts';
import type { OrchestratorContext } from './context.ts';
import { pendingRenderPriority } from './fairness.ts';
import { type JobState, slotBits, slotState } from './job-state.ts';
import { bullJobId } from './keys.ts';
import { type QueuePosition, queuePosition } from './queue-position.ts';

export async function readState(ctx: OrchestratorContext, jobId: string): Promise<JobState | undefined> {
  const k = ctx.keys;
  const [fields, called, returned] = await Promise.all([
    ctx.redis.hgetall(k.job(jobId)),
    ctx.redis.getBuffer(k.called(jobId)),
    ctx.redis.getBuffer(k.returned(jobId)),
  ]);
  if (!fields.id) return undefined;
  const job = JSON.parse(fields.job) as Job;
  const flow = ctx.flowFor(job.kind);
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

/** What a transition needs of a job it was not handed: kind, owner, priority; undefined if gone. */
export async function readJobHead(
  ctx: OrchestratorContext,
  jobId: string,
): Promise<Pick<Job, 'kind' | 'owner' | 'priority'> | undefined> {
  const [kind, owner, priority] = await ctx.redis.hmget(ctx.keys.job(jobId), 'kind', 'owner', 'priority');
  if (!kind || !owner) return undefined;
  return { kind: kind as Job['kind'], owner, priority: priority as Job['priority'] };
}

/** Where a job's render waits in the GPU queue (0 when it is not waiting). */
export async function renderPosition(ctx: OrchestratorContext, jobId: string): Promise<QueuePosition> {
  const renderers = (await ctx.countRenderers?.()) ?? 1;
  return queuePosition(ctx.redis, ctx.queues.gpu, bullJobId(jobId, 'render'), ctx.keys.stats, renderers, () =>
    pendingRenderPriority(ctx, jobId),
  );
}
