// Redis connections as BullMQ needs them: a worker's blocking commands must wait through a
// reconnect instead of failing after a few retries, hence `maxRetriesPerRequest: null`.
import { Redis, type RedisOptions } from 'ioredis';

export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}
