// The newest jobs kept in Redis, of one owner or of everyone, optionally of some statuses. Jobs have no
// index by owner, so this walks the job hashes with SCAN: linear in the jobs kept (RESULT_TTL_S, 7 days
// by default), which suits a gallery and a dashboard, not a hot path.
import type { JobState } from '../../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../../api-services.ts';

export interface RecentQuery {
  owner?: string;
  statuses?: readonly string[];
  limit: number;
}

const SCAN_COUNT = 1000;

export async function recentJobs(s: ApiServices, query: RecentQuery): Promise<JobState[]> {
  const head = s.orchestrator.keys.job('');
  const found: { id: string; created: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await s.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', SCAN_COUNT, 'TYPE', 'hash');
    cursor = next;
    // A job's own hash only: its slot words (`:called`, `:returned`) are strings, ids have no colon.
    const ids = keys.map((k) => k.slice(head.length)).filter((id) => id !== '' && !id.includes(':'));
    if (ids.length === 0) continue;
    const pipeline = s.redis.pipeline();
    for (const id of ids) pipeline.hmget(head + id, 'owner', 'status', 'created');
    const rows = (await pipeline.exec()) ?? [];
    rows.forEach(([err, value], i) => {
      if (err || !Array.isArray(value)) return;
      const [owner, status, created] = value as (string | null)[];
      if (query.owner !== undefined && owner !== query.owner) return;
      if (query.statuses && !query.statuses.includes(status ?? '')) return;
      found.push({ id: ids[i], created: Number(created) });
    });
  } while (cursor !== '0');
  found.sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
  const states = await Promise.all(found.slice(0, query.limit).map((f) => s.orchestrator.state(f.id)));
  return states.filter((st): st is JobState => st !== undefined);
}
