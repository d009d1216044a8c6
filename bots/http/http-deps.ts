// What the HTTP app is built from: the queue system, the artifact store, the renderer registry, the
// configured keys and hooks, and the limits of this surface.
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import type { WorkerRegistry } from '../../queue/workers/worker-registry.ts';
import type { TelegramWebhook } from '../telegram/bot.ts';
import type { ApiKeyRecord } from './auth/api-keys.ts';
import type { HookConfig } from './inbound/hook-config.ts';

export interface HttpLimits {
  /** Largest request body; base64 pictures in JSON count here. */
  maxBodyBytes: number;
  /** Largest picture, after decoding base64. */
  maxUploadBytes: number;
  /** Largest width x height of an uploaded picture, read from its header (decompression bombs). */
  maxUploadPixels: number;
  /** How long an Idempotency-Key is remembered. */
  idempotencyTtlMs: number;
  /** How long the synchronous compatible routes wait for a picture. */
  syncTimeoutMs: number;
  /** How long uploaded pictures are kept. */
  uploadTtlMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 25 * 1024 * 1024,
  maxUploadBytes: 10 * 1024 * 1024,
  maxUploadPixels: 40_000_000,
  idempotencyTtlMs: 24 * 3600 * 1000,
  syncTimeoutMs: 10 * 60 * 1000,
  uploadTtlMs: 24 * 3600 * 1000,
};

export interface HttpDeps {
  config: Config;
  system: QueueSystem;
  artifacts: ArtifactStore;
  registry: Pick<WorkerRegistry, 'live'>;
  /** No keys: the API is open (and the server only listens on loopback). */
  apiKeys?: readonly ApiKeyRecord[];
  hooks?: readonly HookConfig[];
  /** Telegram's webhook mode: the bot's update handler, served at its path. */
  telegramWebhook?: TelegramWebhook;
  limits?: Partial<HttpLimits>;
  /** Tests and local development only: callback URLs may point at loopback and private addresses. */
  allowPrivateCallbacks?: boolean;
  log?: (line: string) => void;
}

/** Who is calling: the owner their jobs get, and the key record when keys are configured. */
export interface Caller {
  owner: string;
  key?: ApiKeyRecord;
}

export interface HttpEnv {
  Variables: { caller: Caller };
}

/** The owner of every job when the API runs open (no keys configured). */
export const OPEN_OWNER = 'key:local';
