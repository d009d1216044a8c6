// Maps what the core and queue throw to HTTP answers. Anything unknown is a 500 whose details stay in
// the log: the client is told only that it was our fault.
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { JobRefusedError, type RefusalCode, ValidationError } from '../../../core/errors.ts';
import { ApiError } from './api-error.ts';

const REFUSAL_STATUS: Record<RefusalCode, ContentfulStatusCode> = {
  rate_limited: 429,
  owner_cap: 429,
  no_worker: 503,
  forbidden: 403,
  not_found: 404,
  final: 409,
};

export function refusalToApiError(err: JobRefusedError): ApiError {
  return new ApiError(REFUSAL_STATUS[err.code] ?? 409, err.code, err.message, {
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
  });
}

export function validationToApiError(err: ValidationError): ApiError {
  return new ApiError(400, 'invalid_input', err.message, { problems: err.problems });
}

/** The ApiError for any thrown value; `internal` is true when it is a bug or an outage, not the client. */
export function toApiError(err: unknown): { error: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { error: err, internal: err.status >= 500 && err.code === 'internal' };
  if (err instanceof ValidationError) return { error: validationToApiError(err), internal: false };
  if (err instanceof JobRefusedError) return { error: refusalToApiError(err), internal: false };
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? 'payload_too_large' : err.status < 500 ? 'bad_request' : 'internal';
    return {
      error: new ApiError(err.status, code, err.message || 'bad request'),
      internal: err.status >= 500,
    };
  }
  return { error: new ApiError(500, 'internal', 'internal error: the failure was logged'), internal: true };
}
