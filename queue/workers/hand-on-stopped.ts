// Hands on the GPU jobs of renderers whose heartbeat stopped (killed, frozen, cut off): each goes
// back to its queue with the dead renderer's lock token, so a live renderer takes it within seconds
// rather than after BullMQ's lock expiry and stall check (about 40 s). Every process of the stack
// runs this watch; the token check makes concurrent watches and a late renderer harmless.
import { Job as BullJob, type Queue } from 'bullmq';
import type { WorkerRegistry } from './worker-registry.ts';

/**
 * A job whose renderers keep dying (one that runs them out of memory) is handed on this often; after
 * that BullMQ's stall check takes over, and fails it once it has stalled too often.
 */
const MAX_HAND_ONS = 2;

export interface HandOnOptions {
  registry: WorkerRegistry;
  /** The GPU queue. */
  queue: Queue;
  everyMs?: number;
  log?: (line: string) => void;
}

/** One pass: returns the ids of the BullMQ jobs handed on. */
export async function handOnStopped(options: HandOnOptions): Promise<string[]> {
  const { registry, queue, log } = options;
  const handed: string[] = [];
  for (const hold of await registry.holds()) {
    if (await registry.isBeating(hold.renderer)) continue;
    const job = await BullJob.fromId(queue, hold.jobId);
    try {
      if (job && (await job.isActive()) && (await registry.countHandOn(hold.jobId)) <= MAX_HAND_ONS) {
        await job.moveToWait(hold.token);
        handed.push(hold.jobId);
        log?.(`renderer ${hold.renderer} stopped beating: ${hold.jobId} handed on to another renderer`);
      }
    } catch {
      // Held with another token now, or its lock is gone: a live renderer or BullMQ's own stall
      // check has it.
    }
    await registry.release(hold.jobId, hold);
  }
  return handed;
}

/**
 * Runs `handOnStopped` every `everyMs` (1 s) until the returned function is called. Every process
 * watches, but each period only the one that claims it makes the pass: a pass reads every renderer's
 * pulse, so if all of them did, the fleet's watch would cost renderers x renderers reads a second.
 */
export function watchStoppedRenderers(options: HandOnOptions): () => Promise<void> {
  const everyMs = options.everyMs ?? 1000;
  let pass: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    pass = pass.then(async () => {
      if (stopped) return;
      try {
        if (await options.registry.claimHandOnPass(everyMs)) await handOnStopped(options);
      } catch {
        // Redis unreachable for a moment: the next period tries again.
      }
    });
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await pass;
  };
}
