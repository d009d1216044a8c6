// Waits for a job to end, for the routes that answer synchronously (AUTOMATIC1111, EasyAnimate). A
// client that hangs up cancels its job: nobody would receive the picture. A job that ended without
// one becomes the HTTP error its reason code calls for.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isFinalStatus } from '../../../../core/flows/flow-types.ts';
import { isFinalEvent } from '../../../../queue/events/event-types.ts';
import type { JobState } from '../../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../../api-services.ts';
import { ApiError } from '../../errors/api-error.ts';

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
  if (!ended && !isFinalStatus(state.status)) {
    throw new ApiError(
      504,
      'timeout',
      `the picture is not ready after ${Math.round(s.limits.syncTimeoutMs / 1000)} s: follow it at GET /v1/jobs/${jobId}`,
    );
  }
  return state;
}

// The HTTP answer for a job that ended without a picture, for the synchronous routes: the job's own
// reason code and message, with a status that says whose problem it is.
function statusOf(code: string): ContentfulStatusCode {
  if (code === 'invalid_input' || code === 'input_missing' || code.startsWith('moderated')) return 422;
  if (code === 'unsupported') return 501;
  if (code === 'cancelled') return 409;
  if (code === 'timeout') return 504;
  return 500;
}

export function failedJobError(state: JobState): ApiError {
  const code = state.status === 'cancelled' ? 'cancelled' : (state.error?.code ?? 'failed');
  const message = state.error?.message ?? `the job was ${state.status}`;
  return new ApiError(statusOf(code), code, message, { reason: `job ${state.id}` });
}
