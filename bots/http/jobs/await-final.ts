// Waits for a job to end, for the routes that answer synchronously (AUTOMATIC1111, EasyAnimate). A
// client that hangs up cancels its job: nobody would receive the picture.
import { isFinalEvent } from '../../../queue/events/event-types.ts';
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';

export async function awaitFinal(
  s: ApiServices,
  jobId: string,
  owner: string,
  clientGone: AbortSignal,
): Promise<JobState> {
  const timeout = AbortSignal.timeout(s.limits.syncTimeoutMs);
  const signal = AbortSignal.any([clientGone, timeout]);
  let ended = false;
  for await (const stored of s.events.watch(jobId, { signal })) {
    if (isFinalEvent(stored.event)) ended = true;
  }
  if (!ended && clientGone.aborted) {
    await s.orchestrator.cancel(jobId, owner, 'the client closed the connection').catch(() => undefined);
  }
  const state = await s.orchestrator.state(jobId);
  if (!state) throw new ApiError(500, 'internal', `job ${jobId} disappeared`);
  if (!ended && !['done', 'failed', 'cancelled'].includes(state.status)) {
    throw new ApiError(
      504,
      'timeout',
      `the picture is not ready after ${Math.round(s.limits.syncTimeoutMs / 1000)} s: follow it at GET /v1/jobs/${jobId}`,
    );
  }
  return state;
}
