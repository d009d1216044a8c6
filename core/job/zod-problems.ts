// Turns zod issues into problems a user can read: field, value, and what is allowed.
import type { z } from 'zod';
import type { FieldProblem } from '../errors.ts';

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'job' : path.map(String).join('.');
}

export function problemsFromZod(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
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
