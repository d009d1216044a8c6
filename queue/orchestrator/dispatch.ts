// The second step of every transition: one BullMQ job per component the script marked called, on
// the queue of its resource class, with a deterministic id so a repeated enqueue (by the sweeper,
// after a crash between the steps) adds nothing twice. Also queues the notice a failed or cancelled
// job owes its origin.
import { componentByName } from '../../core/flows/flow-queries.ts';
import { NOTIFY_COMPONENT } from '../../core/flows/notify.ts';
import type { Job } from '../../core/job/job.ts';
import type { ComponentMessage, OrchestratorContext } from './context.ts';
import { takeFairSlot } from './fairness.ts';
import { bullJobId, jobIdOfBullJob } from './keys.ts';
import { renderPosition } from './state-reads.ts';

/**
 * How long BullMQ keeps the record of a finished component (the orchestrator's own state has the
 * outcome; these are for the queue dashboard): an hour after success, a day after failure, never longer
 * than the job itself is kept, and at most 1,000 of each per queue, so a busy queue stays bounded.
 */
function keepFinished(ctx: OrchestratorContext) {
  const jobS = Math.ceil(ctx.ttlMs / 1000);
  return {
    removeOnComplete: { age: Math.min(3600, jobS), count: 1000 },
    removeOnFail: { age: Math.min(24 * 3600, jobS), count: 1000 },
  };
}

/** Adds one BullMQ job per component, on the queue of its resource class. */
export async function enqueue(
  ctx: OrchestratorContext,
  job: Pick<Job, 'id' | 'kind' | 'owner' | 'priority'>,
  components: readonly string[],
): Promise<void> {
  const flow = ctx.flowFor(job.kind);
  await Promise.all(
    components.map(async (name) => {
      const def = componentByName(flow, name)!;
      const message: ComponentMessage = { jobId: job.id, component: name, owner: job.owner };
      const priority = def.queue === 'gpu' ? await takeFairSlot(ctx, job.owner, job.priority) : undefined;
      await ctx.queues[def.queue].add(name, message, {
        jobId: bullJobId(job.id, name),
        attempts: def.retries + 1,
        backoff: { type: 'exponential', delay: 500 },
        ...keepFinished(ctx),
        ...(priority !== undefined ? { priority } : {}),
      });
      if (def.queue === 'gpu') {
        const where = await renderPosition(ctx, job.id);
        if (where.position > 0) await ctx.events.publish(job.id, { type: 'queue', ...where });
      }
    }),
  );
}

/** A failed or cancelled job still owes its origin an answer: one `notify` job on its queue. */
export async function enqueueNotify(ctx: OrchestratorContext, jobId: string, owner: string): Promise<void> {
  const def = NOTIFY_COMPONENT;
  const message: ComponentMessage = { jobId, component: def.name, owner };
  await ctx.queues[def.queue].add(def.name, message, {
    jobId: bullJobId(jobId, def.name),
    attempts: def.retries + 1,
    backoff: { type: 'exponential', delay: 1000 },
    ...keepFinished(ctx),
  });
}

/** Tells the first waiting renders their new place, after one left the queue. */
export async function announcePositions(ctx: OrchestratorContext, limit = 20): Promise<void> {
  const waiting = await ctx.redis.zrange(ctx.queues.gpu.keys.prioritized, '0', String(limit - 1));
  for (const bullId of waiting) {
    const jobId = jobIdOfBullJob(bullId);
    const where = await renderPosition(ctx, jobId);
    if (where.position > 0) await ctx.events.publish(jobId, { type: 'queue', ...where });
  }
}
