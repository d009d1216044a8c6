// Refuses request bodies over the limit with 413 before they are read into memory (by Content-Length,
// or while streaming when there is none).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors/api-error.ts';

export function limitBody(maxBytes: number): MiddlewareHandler {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `the request body is larger than ${mb} MB`);
    },
  });
}
