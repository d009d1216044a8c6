// Deliver: posts the result in the chat the job came from, through the surface's registered replier.
// Runs its effect once per job even when retried after the post went out.
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import { outcomeOf } from './outcome.ts';
import type { ComponentServices } from './services.ts';
import { skipped } from './skipped.ts';

export function replyChatComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const surface = ctx.job.origin.surface;
    const replier = services.repliers?.[surface];
    if (!replier) return skipped(`no chat to reply in for ${surface} jobs`);
    await ctx.once(() => replier(ctx.job, outcomeOf(ctx.state), services.artifacts, ctx.signal));
    return { replied: true };
  };
}
