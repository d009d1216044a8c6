// The one error shape every route answers with: `{ error: { code, message, problems?, reason? } }`.
// Clients branch on `code`; people read `message`; `problems` names each bad field.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FieldProblem } from '../../../core/errors.ts';

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** A finer reason within the code, e.g. `missing_key` for `unauthorized`. */
    reason?: string;
    problems?: FieldProblem[];
    /** When trying again may work, in seconds (also sent as Retry-After). */
    retryAfter?: number;
  };
}

/** An error a handler throws to answer with a given status and body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: {
      reason?: string;
      problems?: FieldProblem[];
      retryAfterMs?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ApiErrorBody {
    const { reason, problems, retryAfterMs } = this.extra;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(reason ? { reason } : {}),
        ...(problems ? { problems: problems.map(shortenValue) } : {}),
        ...(retryAfterMs !== undefined ? { retryAfter: retryAfterSeconds(retryAfterMs) } : {}),
      },
    };
  }
}

/** Whole seconds, at least 1, as Retry-After wants them. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

const MAX_VALUE_CHARS = 200;

/** A problem as sent back: a long value (a pasted base64 picture) is cut, not echoed in full. */
function shortenValue(p: FieldProblem): FieldProblem {
  if (!('value' in p)) return p;
  const v = p.value;
  if (typeof v === 'string' && v.length > MAX_VALUE_CHARS) {
    return { ...p, value: `${v.slice(0, MAX_VALUE_CHARS)}... (${v.length} characters)` };
  }
  if (v !== null && typeof v === 'object') {
    const json = JSON.stringify(v) ?? '';
    if (json.length > MAX_VALUE_CHARS) {
      const { value: _dropped, ...rest } = p;
      return rest;
    }
  }
  return p;
}
