// Optional callbacks while a job runs: `job.started` when its render begins and `job.progress` on
// preview steps, for HTTP jobs that asked for them in `callbackEvents`. Progress is best effort (one
// try, not awaited); the final result is the callback component's job.
import type { Job } from '../../core/job/job.ts';
import { deliverWebhook } from '../webhooks/deliver-webhook.ts';
import type { ComponentServices } from './services.ts';

export type CallbackEvent = 'started' | 'progress' | 'done' | 'failed';

/** Whether the job's callback URL wants this event (all final events when it did not choose). */
export function wantsCallback(job: Job, event: CallbackEvent): boolean {
  const origin = job.origin;
  if (origin.surface !== 'http' || !origin.callbackUrl) return false;
  if (!origin.callbackEvents) return event === 'done' || event === 'failed';
  return origin.callbackEvents.includes(event);
}

export function progressCallbacks(job: Job, services: ComponentServices) {
  const send = async (event: 'started' | 'progress', body: Record<string, unknown>): Promise<void> => {
    if (!wantsCallback(job, event) || !services.callbackSecret || job.origin.surface !== 'http') return;
    await deliverWebhook(
      job.origin.callbackUrl!,
      { type: `job.${event}`, jobId: job.id, ...body },
      {
        secret: services.callbackSecret,
        attempts: 1,
        timeoutMs: 5000,
        allowPrivate: services.fetch?.allowPrivate === true,
      },
    ).catch(() => undefined);
  };
  return {
    /** Awaited, so `job.started` arrives before any progress. */
    started: () => send('started', { status: 'rendering' }),
    progress: (step: number, total: number) => void send('progress', { step, total }),
  };
}
