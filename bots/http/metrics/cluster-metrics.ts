// The numbers every process shares, read from Redis when /metrics is scraped: queue depth per resource
// class (BullMQ's counts), live workers, and the unfinished jobs by state and kind.
import { Gauge, Registry } from 'prom-client';
import type { QueueSystem } from '../../../queue/queue-system.ts';
import type { WorkerRegistry } from '../../../queue/workers/worker-registry.ts';

/** More unfinished jobs than this are counted by the first ones only (a scrape stays cheap). */
const MAX_JOBS_READ = 5000;
const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

export interface ClusterSources {
  system: Pick<QueueSystem, 'queues' | 'redis' | 'orchestrator'>;
  registry: Pick<WorkerRegistry, 'live'>;
}

async function jobsInFlight(system: ClusterSources['system']): Promise<Map<string, number>> {
  const ids = await system.redis.zrange(system.orchestrator.keys.active, '0', String(MAX_JOBS_READ - 1));
  const pipeline = system.redis.pipeline();
  for (const id of ids) pipeline.hmget(system.orchestrator.keys.job(id), 'status', 'kind');
  const counts = new Map<string, number>();
  for (const [err, row] of (await pipeline.exec()) ?? []) {
    const [status, kind] = (row ?? []) as (string | null)[];
    if (err || !status || !kind) continue;
    const key = `${status}\n${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function clusterMetrics(sources: ClusterSources): Registry {
  const registry = new Registry();
  const { system } = sources;
  new Gauge({
    name: 'imagine_queue_depth',
    help: 'Component jobs in the BullMQ queue of each resource class (io, cpu, gpu), by BullMQ state',
    labelNames: ['class', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, queue] of Object.entries(system.queues)) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ class: name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'imagine_workers',
    help: 'Renderers beating in the worker registry, by device and whether they are rendering',
    labelNames: ['device', 'busy'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const worker of await sources.registry.live())
        this.inc({ device: worker.device, busy: String(worker.busy) });
    },
  });
  new Gauge({
    name: 'imagine_jobs_in_flight',
    help: 'Unfinished jobs by state and kind',
    labelNames: ['state', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [key, n] of await jobsInFlight(system)) {
        const [state, kind] = key.split('\n');
        this.set({ state, kind }, n);
      }
    },
  });
  return registry;
}
