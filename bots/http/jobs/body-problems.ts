// zod problems of a request body in the words of HTTP clients: the root is `body`, and each unknown
// field is named on its own with the nearest known one.
import type { z } from 'zod';
import type { FieldProblem } from '../../../core/errors.ts';
import { problemsFromZod } from '../../../core/job/zod-problems.ts';
import { didYouMean } from '../../../core/text/closest.ts';

export function bodyProblems(error: z.ZodError, knownFields: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const at = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      const candidates = issue.path.length === 0 ? knownFields : [];
      for (const key of issue.keys) {
        problems.push({
          field: `${at}${key}`,
          problem: `is not a known field${didYouMean(key, candidates)}`,
        });
      }
      continue;
    }
    for (const p of problemsFromZod({ issues: [issue] } as z.ZodError)) {
      problems.push({ ...p, field: p.field === 'job' ? 'body' : p.field });
    }
  }
  return problems;
}
