// Turns zod issues into problems a user can read: field, value, and what is allowed.
import type { z } from 'zod';
import type { FieldProblem } from '../errors.ts';
import { closest } from '../text/closest.ts';
import { FIELD_ALIASES } from './field-aliases.ts';

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'job' : path.map(String).join('.');
}

/** The known field an unknown one most likely meant: an alias from another tool, else a near spelling. */
function meant(key: string, known: readonly string[]): string | undefined {
  const alias = FIELD_ALIASES[key] ?? FIELD_ALIASES[key.toLowerCase()];
  if (alias && known.includes(alias)) return alias;
  return closest(key, known);
}

/**
 * With `knownFields` (the keys the schema takes at a path), each unknown field is named on its own
 * with the field it most likely meant (`params.cfg` -> `guidance`).
 */
export function problemsFromZod(
  error: z.ZodError,
  knownFields?: (path: readonly PropertyKey[]) => string[] | undefined,
): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem | FieldProblem[] => {
    if (issue.code === 'unrecognized_keys' && knownFields) {
      const known = knownFields(issue.path) ?? [];
      const at = issue.path.length > 0 ? `${fieldOf(issue.path)}.` : '';
      return issue.keys.map((key) => {
        const hit = meant(key, known);
        return {
          field: `${at}${key}`,
          problem: `is not a known field${hit === undefined ? '' : ` (did you mean ${hit}?)`}`,
        };
      });
    }
    const field = fieldOf(issue.path);
    const hasInput = 'input' in issue && issue.input !== undefined;
    let input = hasInput ? (issue as { input: unknown }).input : undefined;
    // A discriminated union reports the whole object; the user typed only its tag.
    const last = issue.path[issue.path.length - 1];
    if (input && typeof input === 'object' && typeof last === 'string' && last in input) {
      input = (input as Record<string, unknown>)[last];
    }
    if (issue.code === 'invalid_type' && !hasInput) return { field, problem: 'is required' };
    if (issue.code === 'unrecognized_keys') {
      return { field, problem: `has unknown field(s) ${issue.keys.join(', ')}` };
    }
    const problem = issue.message.startsWith('Invalid input: expected')
      ? `must be a ${issue.message.slice('Invalid input: expected '.length).split(',')[0]}`
      : issue.message;
    return hasInput ? { field, value: input, problem } : { field, problem };
  });
}
