// Round-robin across owners on the GPU queue: an owner's k-th outstanding render gets priority k
// within its tier, so one owner's 50 jobs interleave with everyone else's first ones. The count of
// outstanding renders per owner is a hash; a render takes a slot when queued and gives it back when
// it ends.
import { componentByName } from '../../core/flows/flow-queries.ts';
import { isFinalStatus } from '../../core/flows/flow-types.ts';
import type { Job, JobKind } from '../../core/job/job.ts';
import type { OrchestratorContext } from './context.ts';
import { slotBits } from './job-state.ts';

type Tier = Job['priority'];

const TIER_BASE: Record<Tier, number> = { high: 1, normal: 100_000, low: 1_000_000 };

/** The BullMQ priority of an owner's k-th outstanding render in its tier. */
export function fairPriorityOf(tier: Tier, outstanding: number): number {
  return (TIER_BASE[tier] ?? TIER_BASE.normal) + Math.min(Math.max(outstanding, 1), 99_999);
}

/** Takes the owner's next slot: the priority of the render being queued now. */
export async function takeFairSlot(ctx: OrchestratorContext, owner: string, tier: Tier): Promise<number> {
  return fairPriorityOf(tier, await ctx.redis.hincrby(ctx.keys.fairCounter, owner, 1));
}

export async function releaseFairSlot(ctx: OrchestratorContext, owner: string): Promise<void> {
  const left = await ctx.redis.hincrby(ctx.keys.fairCounter, owner, -1);
  if (left <= 0) await ctx.redis.hdel(ctx.keys.fairCounter, owner);
}

/** The priority the job's render will be queued with, while the job has not reached it yet. */
export async function pendingRenderPriority(
  ctx: OrchestratorContext,
  jobId: string,
): Promise<number | undefined> {
  const [kind, owner, tier, status] = await ctx.redis.hmget(
    ctx.keys.job(jobId),
    'kind',
    'owner',
    'priority',
    'status',
  );
  if (!kind || !owner || !status || isFinalStatus(status)) return undefined;
  const render = componentByName(ctx.flowFor(kind as JobKind), 'render');
  if (!render) return undefined;
  if (slotBits(await ctx.redis.getBuffer(ctx.keys.called(jobId)), render.slot) !== 0) return undefined;
  const outstanding = Number(await ctx.redis.hget(ctx.keys.fairCounter, owner)) || 0;
  return fairPriorityOf((tier as Tier) ?? 'normal', outstanding + 1);
}
