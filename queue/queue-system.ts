// Wires one orchestrator: Redis connections, the three BullMQ queues, events, and (on request)
// component workers. Every role builds its part of the system with this.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FlowDef, ResourceQueue } from '../core/flows/flow-types.ts';
import { flowFor as shippedFlowFor } from '../core/flows/flows.ts';
import type { Job, JobKind } from '../core/job/job.ts';
import { JobEvents } from './events/job-events.ts';
import {
  type ComponentHandler,
  ComponentWorkers,
  type ComponentWorkersOptions,
} from './orchestrator/component-worker.ts';
import { makeKeys } from './orchestrator/keys.ts';
import { Orchestrator, type OrchestratorOptions, type OwnerLimits } from './orchestrator/orchestrator.ts';
import { connectRedis } from './redis/connect-redis.ts';

export interface QueueSystemOptions {
  redisUrl: string;
  /** Separates systems sharing one Redis (tests, staging). */
  prefix?: string;
  flowFor?: (kind: JobKind) => FlowDef;
  limits?: OwnerLimits;
  /** How long a finished job's state and event stream are kept (default 7 days). */
  finishedTtlMs?: number;
  admit?: (job: Job) => Promise<Job | undefined>;
  /** Gets the orchestrator's line per job transition. */
  log?: (line: string) => void;
  onTransition?: OrchestratorOptions['onTransition'];
}

export interface QueueSystem {
  orchestrator: Orchestrator;
  events: JobEvents;
  queues: Record<ResourceQueue, Queue>;
  queueNames: Record<ResourceQueue, string>;
  redis: Redis;
  startWorkers(
    handlers: Readonly<Record<string, ComponentHandler>>,
    serve: readonly ResourceQueue[],
    options?: Partial<
      Pick<
        ComponentWorkersOptions,
        | 'concurrency'
        | 'lockDurationMs'
        | 'stalledIntervalMs'
        | 'log'
        | 'preferOther'
        | 'stepAsideMs'
        | 'holds'
      >
    >,
  ): Promise<ComponentWorkers>;
  close(): Promise<void>;
}

export function createQueueSystem(options: QueueSystemOptions): QueueSystem {
  const prefix = options.prefix ?? 'img';
  const redis = connectRedis(options.redisUrl);
  const keys = makeKeys(prefix);
  const events = new JobEvents(redis, keys, options.finishedTtlMs);
  const queueNames: Record<ResourceQueue, string> = { io: 'io', cpu: 'cpu', gpu: 'gpu' };
  const bullPrefix = `${prefix}-bull`;
  // BullMQ's own event stream per queue: nothing here reads it (job news is on the jobs' own streams),
  // so it keeps about its newest 1,000 entries instead of BullMQ's 10,000.
  const queueOptions = { connection: redis, prefix: bullPrefix, streams: { events: { maxLen: 1000 } } };
  const queues = {
    io: new Queue(queueNames.io, queueOptions),
    cpu: new Queue(queueNames.cpu, queueOptions),
    gpu: new Queue(queueNames.gpu, queueOptions),
  };
  const orchestrator = new Orchestrator({
    redis,
    queues,
    events,
    keys,
    flowFor: options.flowFor ?? shippedFlowFor,
    limits: options.limits,
    finishedTtlMs: options.finishedTtlMs,
    admit: options.admit,
    log: options.log,
    onTransition: options.onTransition,
  });
  const workers: ComponentWorkers[] = [];
  return {
    orchestrator,
    events,
    queues,
    queueNames,
    redis,
    async startWorkers(handlers, serve, extra = {}) {
      const w = new ComponentWorkers({
        orchestrator,
        connection: connectRedis(options.redisUrl),
        queueNames,
        handlers,
        serve,
        prefix: bullPrefix,
        ...extra,
      });
      await w.start();
      workers.push(w);
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await events.close();
      await redis.quit().catch(() => undefined);
    },
  };
}
