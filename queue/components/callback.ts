// Deliver: POSTs the signed result to the job's callback URL (Standard Webhooks headers), retrying
// with backoff; the delivery log is kept with the job.
import { ComponentError, type ComponentHandler } from '../orchestrator/component-worker.ts';
import { deliverWebhook } from '../webhooks/deliver-webhook.ts';
import { outcomeOf } from './outcome.ts';
import { wantsCallback } from './progress-callbacks.ts';
import type { ComponentServices } from './services.ts';
import { skipped } from './skipped.ts';

export function callbackPayload(
  jobId: string,
  status: string,
  outcome: ReturnType<typeof outcomeOf>,
  publicUrl?: string,
) {
  const link = (id: string) =>
    publicUrl ? `${publicUrl.replace(/\/$/, '')}/v1/artifacts/${id}` : `/v1/artifacts/${id}`;
  return {
    type: outcome.ok ? 'job.done' : 'job.failed',
    jobId,
    status,
    ...(outcome.ok
      ? {
          images: outcome.images.map((i) => ({ url: link(i.artifact), artifact: i.artifact, seed: i.seed })),
          ...(outcome.video ? { video: { url: link(outcome.video.artifact), ...outcome.video } } : {}),
          warnings: outcome.warnings,
        }
      : { error: { code: outcome.code, message: outcome.message } }),
  };
}

export function callbackComponent(services: ComponentServices & { publicUrl?: string }): ComponentHandler {
  return async (ctx) => {
    const origin = ctx.job.origin;
    if (origin.surface !== 'http' || !origin.callbackUrl) return skipped('the job has no callbackUrl');
    if (!wantsCallback(ctx.job, 'done')) return skipped('callbackEvents leaves out done');
    if (!services.callbackSecret)
      throw new ComponentError('internal', 'callbacks need CALLBACK_SECRET to sign them', false);
    const payload = callbackPayload(ctx.jobId, 'done', outcomeOf(ctx.state), services.publicUrl);
    const log = await ctx.once(() =>
      deliverWebhook(origin.callbackUrl!, payload, {
        secret: services.callbackSecret!,
        id: `${ctx.jobId}.done`,
        allowPrivate: services.fetch?.allowPrivate === true,
      }),
    );
    if (log && !log.ok) {
      throw new ComponentError(
        'callback_failed',
        `the callback URL did not accept the result: ${log.attempts.at(-1)?.error ?? log.attempts.at(-1)?.status}`,
      );
    }
    return { sent: true, attempts: log?.attempts ?? [] };
  };
}
