// Repairs what a crash between a transition's two steps leaves behind: components marked called
// whose BullMQ job is gone are re-added, and failed or cancelled jobs whose notice was never queued
// get it. Deterministic BullMQ ids make this safe to run any time, next to the normal path.
import { componentByName } from '../../core/flows/flow-queries.ts';
import { NOTIFY_COMPONENT } from '../../core/flows/notify.ts';
import type { OrchestratorContext } from './context.ts';
import { enqueue, enqueueNotify } from './dispatch.ts';
import { bullJobId } from './keys.ts';
import { readState } from './state-reads.ts';

/** A notice is only re-queued by the sweeper after this long, so it never races the normal path. */
const NOTIFY_GRACE_MS = 10_000;

/**
 * Unfinished jobs read at once: their reads go out together on one connection, so a sweep over a
 * backlog of 10,000 takes about 100 round trips instead of 40,000 (bench/fleet: 72 s, longer than the
 * sweep's period, before).
 */
const SWEEP_BATCH = 100;

/** Re-adds the components of one unfinished job that are marked called but have no BullMQ job. */
async function sweepJob(ctx: OrchestratorContext, id: string): Promise<number> {
  const state = await readState(ctx, id);
  if (!state) return 0;
  const flow = ctx.flowFor(state.job.kind);
  let readded = 0;
  for (const c of state.components) {
    if (c.state !== 'called') continue;
    const def = componentByName(flow, c.name)!;
    const existing = await ctx.queues[def.queue].getJob(bullJobId(id, c.name));
    if (existing) continue;
    await enqueue(ctx, state.job, [c.name]);
    readded++;
  }
  return readded;
}

/** Returns how many queue jobs it added. */
export async function sweep(
  ctx: OrchestratorContext,
  options: { notifyGraceMs?: number } = {},
): Promise<number> {
  const ids = await ctx.redis.zrange(ctx.keys.active, '0', '-1');
  let readded = 0;
  for (let i = 0; i < ids.length; i += SWEEP_BATCH) {
    const counts = await Promise.all(ids.slice(i, i + SWEEP_BATCH).map((id) => sweepJob(ctx, id)));
    readded += counts.reduce((sum, n) => sum + n, 0);
  }
  // Failed or cancelled jobs whose notice was never queued (a crash right after the transition).
  const owed = await ctx.redis.zrangebyscore(
    ctx.keys.notifyPending,
    '-inf',
    String(Date.now() - (options.notifyGraceMs ?? NOTIFY_GRACE_MS)),
  );
  for (const id of owed) {
    const notify = NOTIFY_COMPONENT;
    if (await ctx.queues[notify.queue].getJob(bullJobId(id, notify.name))) continue;
    const owner = await ctx.redis.hget(ctx.keys.job(id), 'owner');
    if (!owner) {
      await ctx.redis.zrem(ctx.keys.notifyPending, id);
      continue;
    }
    await enqueueNotify(ctx, id, owner);
    readded++;
  }
  return readded;
}
