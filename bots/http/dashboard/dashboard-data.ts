// What the dashboard page shows: live renderers, jobs in flight (every owner's), queue counts, and the
// newest results.
import type { Queue } from 'bullmq';
import type { ApiServices } from '../api-services.ts';
import { jobView } from '../jobs/views/job-view.ts';
import { recentJobs } from '../jobs/views/recent-jobs.ts';
import type { LinkBase } from '../links.ts';

const IN_FLIGHT_MAX = 50;

export async function inFlight(s: ApiServices, base: LinkBase) {
  const ids = await s.redis.zrevrange(s.orchestrator.keys.active, 0, IN_FLIGHT_MAX - 1);
  const states = await Promise.all(ids.map((id) => s.orchestrator.state(id)));
  return Promise.all(
    states
      .filter((st) => st !== undefined)
      .map(async (st) => ({ ...(await jobView(s, st, base)), owner: st.job.owner })),
  );
}

async function queueCounts(queues: Record<string, Queue>) {
  const entries = await Promise.all(
    Object.entries(queues).map(async ([name, q]) => [name, await q.getJobCounts()] as const),
  );
  return Object.fromEntries(entries);
}

export async function overview(s: ApiServices, queues: Record<string, Queue>, base: LinkBase) {
  const [workers, jobs, counts] = await Promise.all([
    s.registry.live(),
    inFlight(s, base),
    queueCounts(queues),
  ]);
  workers.sort((a, b) => a.id.localeCompare(b.id));
  return { workers, inFlight: jobs, queues: counts, at: new Date().toISOString() };
}

export async function recentResults(s: ApiServices, base: LinkBase, limit: number) {
  const states = await recentJobs(s, { statuses: ['done'], limit });
  return Promise.all(states.map(async (st) => ({ ...(await jobView(s, st, base)), owner: st.job.owner })));
}
