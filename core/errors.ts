// Errors a user can act on. Every surface shows `message` as is, so it must say what to change.

export interface FieldProblem {
  /** Dotted path of the field, e.g. `params.width` or `--seed`. */
  field: string;
  /** The offending value, when there is one to show. */
  value?: unknown;
  /** What is wrong and what is allowed, e.g. `must be between 1 and 100`. */
  problem: string;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return 'missing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value);
  return json && json.length > 60 ? `${json.slice(0, 57)}...` : (json ?? String(value));
}

export function formatProblem(p: FieldProblem): string {
  const shown = 'value' in p ? ` ${describeValue(p.value)}` : '';
  return `${p.field}${shown ? ':' : ''}${shown} ${p.problem}`.trim();
}

/** Bad input: a flag, a job field, a config value. Carries every problem found, not only the first. */
export class ValidationError extends Error {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[], context?: string) {
    const lines = problems.map(formatProblem);
    super(context ? `${context}: ${lines.join('; ')}` : lines.join('; '));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export type RefusalCode = 'rate_limited' | 'owner_cap' | 'no_worker' | 'forbidden' | 'not_found' | 'final';

/** A valid job the service will not take now: over a limit, or nothing can serve it. */
export class JobRefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** When trying again may work (rate limits). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'JobRefusedError';
  }
}
