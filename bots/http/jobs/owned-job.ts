// A job read on behalf of a caller: 404 when there is none, 403 when it belongs to someone else.
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import type { Caller } from '../http-deps.ts';

const JOB_ID = /^[A-Za-z0-9_.-]{1,128}$/;

export async function ownedJob(s: ApiServices, caller: Caller, id: string): Promise<JobState> {
  const state = JOB_ID.test(id) ? await s.orchestrator.state(id) : undefined;
  if (!state)
    throw new ApiError(404, 'not_found', `no job ${id.slice(0, 128)} (finished jobs are kept for 7 days)`);
  if (state.job.owner !== caller.owner) {
    throw new ApiError(403, 'forbidden', 'this job belongs to another API key', { reason: 'not_owner' });
  }
  return state;
}
