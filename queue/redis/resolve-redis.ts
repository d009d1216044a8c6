// Which Redis the service uses: REDIS_URL when given, else one it starts itself.
import type { Config } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis.ts';

export interface ResolvedRedis {
  url: string;
  /** Set when the service started the server itself. */
  embedded?: EmbeddedRedis;
  /** Stops the embedded server; nothing to do for an external one. */
  stop(): Promise<void>;
}

export async function resolveRedis(
  config: Pick<Config, 'redis' | 'dataDir' | 'redisDataDir'>,
): Promise<ResolvedRedis> {
  if (config.redis.url) return { url: config.redis.url, stop: async () => {} };
  if (!config.redis.embedded) {
    throw new ValidationError(
      [
        {
          field: 'REDIS_URL',
          problem:
            'is not set and EMBEDDED_REDIS is false: set REDIS_URL (e.g. redis://127.0.0.1:6379) or EMBEDDED_REDIS=true',
        },
      ],
      'invalid configuration',
    );
  }
  const embedded = await startEmbeddedRedis({
    bin: config.redis.serverBin,
    dataDir: config.dataDir,
    dir: config.redisDataDir,
  });
  return { url: embedded.url, embedded, stop: () => embedded.stop() };
}
