import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../queue/redis/embedded-redis.ts';
import { testJob } from '../helpers/job-factory.ts';
import { renderFlow } from '../helpers/test-flows.ts';
import { waitFor } from '../helpers/wait-for.ts';

let redis: EmbeddedRedis | undefined;
let system: QueueSystem | undefined;
afterEach(async () => {
  await system?.close();
  await redis?.stop();
});

describe('Redis restarted with its append-only file', () => {
  it('loses no accepted job', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'aof-'));
    redis = await startEmbeddedRedis({ dataDir });
    const port = redis.port;
    system = createQueueSystem({ redisUrl: redis.url, prefix: 'aof', flowFor: renderFlow });
    const jobs = Array.from({ length: 20 }, (_, i) => testJob(`discord:${i % 3}`));
    for (const j of jobs) await system.orchestrator.submit(j);
    // Half of them get their render done before the crash.
    for (const j of jobs.slice(0, 10))
      await system.orchestrator.complete(j.id, 'render', { ok: true, output: { n: 1 } });
    await system.close();
    system = undefined;
    // A hard kill right away: only what the append-only file holds survives.
    process.kill(redis.pid, 'SIGKILL');
    await redis.exited;

    redis = await startEmbeddedRedis({ dataDir, port });
    system = createQueueSystem({ redisUrl: redis.url, prefix: 'aof', flowFor: renderFlow });
    for (const j of jobs.slice(0, 10)) {
      expect((await system.orchestrator.state(j.id))?.components.map((c) => c.state)).toEqual([
        'succeeded',
        'called',
      ]);
    }
    const rendered: string[] = [];
    await system.startWorkers(
      { render: async (ctx) => void rendered.push(ctx.jobId), 'reply-chat': async () => undefined },
      ['gpu', 'io'],
    );
    for (const j of jobs) {
      await waitFor(
        async () => ((await system!.orchestrator.state(j.id))?.status === 'done' ? true : undefined),
        `job ${j.id}`,
      );
    }
    // The ten rendered before the crash were not rendered again; the other ten were, once each.
    expect(rendered.sort()).toEqual(
      jobs
        .slice(10)
        .map((j) => j.id)
        .sort(),
    );
  }, 60_000);
});
