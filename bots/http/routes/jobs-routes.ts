// /v1/jobs, behind the API key: POST /v1/jobs, GET /v1/jobs/:id, DELETE /v1/jobs/:id, with the caller's
// list (GET /v1/jobs, recent-jobs-routes.ts) and a job's events (GET /v1/jobs/:id/events).
import { Hono } from 'hono';
import type { ApiServices } from '../api-services.ts';
import type { HttpEnv } from '../http-deps.ts';
import { buildJobRequest } from '../jobs/submit/build-request.ts';
import { readIdempotencyKey } from '../jobs/submit/idempotency.ts';
import { readRequestBody } from '../jobs/submit/read-request-body.ts';
import { bodyFieldOf } from '../jobs/submit/submit-body.ts';
import { submitJob } from '../jobs/submit/submit-job.ts';
import { jobView, ownedJob } from '../jobs/views/job-view.ts';
import { eventsUrl, jobUrl, linkBase } from '../links.ts';
import type { JobAccepted } from '../openapi/response-schemas.ts';
import { jobEventsRoutes } from './job-events-routes.ts';
import { recentJobsRoutes } from './recent-jobs-routes.ts';

export function jobsRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  app.route('/', recentJobsRoutes(s));
  app.route('/', jobEventsRoutes(s));

  app.post('/', async (c) => {
    const idempotencyKey = readIdempotencyKey(c.req.header('idempotency-key'));
    const body = await readRequestBody(c.req.raw);
    const built = await buildJobRequest(body, s);
    const outcome = await submitJob(s, c.get('caller'), {
      request: built.request,
      uploads: built.uploads,
      idempotencyKey,
      renameField: bodyFieldOf,
    });
    const base = linkBase(c, s.config.http.publicUrl);
    const answer: JobAccepted = {
      id: outcome.job.id,
      status: outcome.status,
      statusUrl: jobUrl(base, outcome.job.id),
      eventsUrl: eventsUrl(base, outcome.job.id),
      queue: outcome.position,
      params: outcome.job.params,
      replayed: outcome.replayed,
    };
    c.header('Location', answer.statusUrl);
    if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(answer, 202);
  });

  app.get('/:id', async (c) => {
    const state = await ownedJob(s, c.get('caller'), c.req.param('id'));
    return c.json(await jobView(s, state, linkBase(c, s.config.http.publicUrl)));
  });

  app.delete('/:id', async (c) => {
    const caller = c.get('caller');
    const state = await ownedJob(s, caller, c.req.param('id'));
    const stopped = await s.orchestrator.cancel(state.id, caller.owner);
    return c.json({ id: state.id, status: 'cancelled' as const, stopped });
  });

  return app;
}
