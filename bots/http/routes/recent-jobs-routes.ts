// GET /v1/jobs: the caller's newest jobs, newest first, each as GET /v1/jobs/:id shows it plus what a
// follow-up needs (its input pictures and parent), for the web page's gallery and for scripts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { MediaRef } from '../../../core/job/references.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HttpEnv } from '../http-deps.ts';
import { jobView } from '../jobs/views/job-view.ts';
import { recentJobs } from '../jobs/views/recent-jobs.ts';
import { linkBase } from '../links.ts';
import type { RecentJobsView } from '../openapi/response-schemas.ts';

export const RECENT_LIMIT_MAX = 50;
const STATUSES = [
  'received',
  'ingesting',
  'rendering',
  'encoding',
  'delivering',
  'done',
  'failed',
  'cancelled',
];

const QuerySchema = z.object({
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${RECENT_LIMIT_MAX}` })
    .int(`must be a whole number from 1 to ${RECENT_LIMIT_MAX}`)
    .min(1, `must be a whole number from 1 to ${RECENT_LIMIT_MAX}`)
    .max(RECENT_LIMIT_MAX, `must be a whole number from 1 to ${RECENT_LIMIT_MAX}`)
    .default(20),
  status: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === '') return undefined;
      const given = text.split(',').map((t) => t.trim());
      const wrong = given.filter((t) => !STATUSES.includes(t));
      if (wrong.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${STATUSES.join(', ')}` });
        return z.NEVER;
      }
      return given;
    }),
});

/** A job's input picture as POST /v1/jobs takes it back; pictures from chats cannot be sent again. */
function mediaInput(ref: MediaRef | undefined): string | { artifact: string } | undefined {
  if (ref?.type === 'artifact') return { artifact: ref.id };
  if (ref?.type === 'url') return ref.url;
  return undefined;
}

export function recentJobsRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/', async (c) => {
    const parsed = QuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({
        field: String(i.path[0] ?? 'query'),
        value: c.req.query(String(i.path[0] ?? '')),
        problem: i.message,
      }));
      throw new ApiError(400, 'invalid_input', 'invalid query', { problems });
    }
    const { limit, status } = parsed.data;
    const base = linkBase(c, s.config.http.publicUrl);
    const states = await recentJobs(s, { owner: c.get('caller').owner, statuses: status, limit });
    const jobs = await Promise.all(
      states.map(async (state) => {
        const image = mediaInput(state.job.inputs.image);
        const mask = mediaInput(state.job.inputs.mask);
        return {
          ...(await jobView(s, state, base)),
          inputs: { ...(image ? { image } : {}), ...(mask ? { mask } : {}) },
          ...(state.job.parent ? { parent: state.job.parent } : {}),
        };
      }),
    );
    const answer: RecentJobsView = { jobs };
    return c.json(answer);
  });
  return app;
}
