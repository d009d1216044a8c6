// Everything the routes share, built once per app from its deps.
import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { JobEvents } from '../../queue/events/job-events.ts';
import type { Orchestrator } from '../../queue/orchestrator/orchestrator.ts';
import type { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import { DEFAULT_HTTP_LIMITS, type HttpDeps, type HttpEnv, type HttpLimits } from './http-deps.ts';
import { type HttpKeys, httpKeys } from './http-keys.ts';
import { authenticate } from './middleware/authenticate.ts';

export interface ApiServices {
  config: Config;
  limits: HttpLimits;
  redis: Redis;
  keys: HttpKeys;
  orchestrator: Orchestrator;
  events: JobEvents;
  artifacts: ArtifactStore;
  registry: Pick<WorkerRegistry, 'live'>;
  allowPrivateCallbacks: boolean;
  log: (line: string) => void;
  /** The API key check (one key cache per app): each sub-app whose routes need a key uses it. */
  requireKey: MiddlewareHandler<HttpEnv>;
}

export function apiServices(deps: HttpDeps): ApiServices {
  const { orchestrator, events, redis } = deps.system;
  return {
    config: deps.config,
    limits: { ...DEFAULT_HTTP_LIMITS, ...deps.limits },
    redis,
    keys: httpKeys(orchestrator.keys),
    orchestrator,
    events,
    artifacts: deps.artifacts,
    registry: deps.registry,
    allowPrivateCallbacks: deps.allowPrivateCallbacks === true,
    log: deps.log ?? ((line) => console.log(line)),
    requireKey: authenticate(deps.apiKeys ?? []),
  };
}
