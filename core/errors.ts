// Errors a user can act on. Every surface shows `message` as is, so it must say what to change.

export interface FieldProblem {
  /** Dotted path of the field, e.g. `params.width` or `--seed`. */
  field: string;
  /** The offending value, when there is one to show. */
  value?: unknown;
  /** What is wrong and what is allowed, e.g. `must be between 1 and 100`. */
  problem: string;
}

const SHOWN_CHARS = 60;

/**
 * A value as an error message shows it, at most about 60 characters. Never throws, whatever the value
 * (nested thousands deep, circular, a BigInt, an object whose toJSON throws): error formatting must not
 * become the error.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return 'missing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const text = sketch(value, 3);
  return text.length > SHOWN_CHARS ? `${text.slice(0, 57)}...` : text;
}

/** A short JSON-like text of a value, walking at most `depth` levels and a few entries per level. */
function sketch(value: unknown, depth: number): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return typeof value;
  if (depth === 0) return Array.isArray(value) ? '[...]' : '{...}';
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, 8).map((v) => sketch(v, depth - 1));
      return `[${items.join(',')}${value.length > 8 ? ',...' : ''}]`;
    }
    const entries = Object.entries(value).slice(0, 8);
    const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${sketch(v, depth - 1)}`);
    return `{${parts.join(',')}${Object.keys(value).length > 8 ? ',...' : ''}}`;
  } catch {
    return Array.isArray(value) ? '[...]' : '{...}';
  }
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
