// The body of POST /v1/jobs, as JSON (or as multipart fields of the same names). Only the envelope is
// checked here; params, deadline and parent are checked by the job schema itself, so every surface
// gives the same answers for the same mistakes. The envelope's problems are told in the client's words.
import { z } from 'zod';
import type { FieldProblem } from '../../../../core/errors.ts';
import { CALLBACK_EVENTS, JOB_KINDS, PRIORITIES } from '../../../../core/job/index.ts';
import { problemsFromZod } from '../../../../core/job/zod-problems.ts';
import { didYouMean } from '../../../../core/text/closest.ts';

const MEDIA_HINT = 'must be an http(s) URL, a data: URI, or {"artifact": "<id>"}';

export const MediaInputSchema = z.union([z.string().min(1), z.object({ artifact: z.string() }).strict()], {
  error: MEDIA_HINT,
});

export const SubmitBodySchema = z
  .object({
    kind: z
      .enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` })
      .optional()
      .describe('What to make; by default inpaint with a mask, remix with an image, else imagine.'),
    prompt: z
      .string({ error: 'must be a text' })
      .optional()
      .describe('What to draw; may hold flags such as --ar 16:9 --seed 7 (see the README).'),
    params: z
      .record(z.string(), z.unknown(), { error: 'must be an object of params, e.g. {"steps": 20}' })
      .optional()
      .describe('Explicit params; they win over flags in the prompt.'),
    image: MediaInputSchema.optional().describe('The input picture: URL, data: URI or earlier artifact.'),
    mask: MediaInputSchema.optional().describe('Inpaint mask (white = repaint): URL, data: URI or artifact.'),
    priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).optional(),
    deadline: z.string({ error: 'must be an ISO 8601 time' }).optional(),
    parent: z
      .unknown()
      .optional()
      .describe('{"jobId", "index"}: the earlier job an upscale or variation uses.'),
    callbackUrl: z.string({ error: 'must be an http(s) URL' }).optional(),
    callbackEvents: z
      .array(z.enum(CALLBACK_EVENTS, { error: `must be one of ${CALLBACK_EVENTS.join(', ')}` }), {
        error: 'must be a list of events',
      })
      .optional(),
  })
  .strict();

export type SubmitBody = z.infer<typeof SubmitBodySchema>;

/** Field paths of the job schema, renamed to the body fields they came from. */
export function bodyFieldOf(field: string): string {
  if (field === 'inputs.image' || field.startsWith('inputs.image.')) return 'image';
  if (field === 'inputs.mask' || field.startsWith('inputs.mask.')) return 'mask';
  if (field === 'params.prompt') return 'prompt';
  if (field.startsWith('origin.')) return field.slice('origin.'.length);
  return field;
}

// zod problems of a request body in the words of HTTP clients: the root is `body`, and each unknown
// field is named on its own with the nearest known one.
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
