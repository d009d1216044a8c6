// The HTTP answer for a job that ended without a picture, for the synchronous routes: the job's own
// reason code and message, with a status that says whose problem it is.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import { ApiError } from '../errors/api-error.ts';

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
