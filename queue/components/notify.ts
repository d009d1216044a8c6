// Tells the origin that a job failed or was cancelled: the chat gets the reason, the callback URL a
// signed `job.failed`.
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import { deliverWebhook } from '../webhooks/deliver-webhook.ts';
import { callbackPayload } from './callback.ts';
import { outcomeOf } from './outcome.ts';
import { wantsCallback } from './progress-callbacks.ts';
import type { ComponentServices } from './services.ts';

export function notifyComponent(services: ComponentServices & { publicUrl?: string }): ComponentHandler {
  return async (ctx) => {
    const outcome = outcomeOf(ctx.state);
    const origin = ctx.job.origin;
    if (origin.surface === 'http') {
      if (!origin.callbackUrl || !services.callbackSecret || !wantsCallback(ctx.job, 'failed')) return;
      await ctx.once(() =>
        deliverWebhook(
          origin.callbackUrl!,
          callbackPayload(ctx.jobId, ctx.state.status, outcome, services.publicUrl),
          {
            secret: services.callbackSecret!,
            id: `${ctx.jobId}.${ctx.state.status}`,
            allowPrivate: services.fetch?.allowPrivate === true,
          },
        ),
      );
      return;
    }
    const replier = services.repliers?.[origin.surface];
    if (replier) await ctx.once(() => replier(ctx.job, outcome, services.artifacts, ctx.signal));
  };
}
