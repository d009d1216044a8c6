// Removes every Redis key under a test's or benchmark's prefix (its own keys and its BullMQ queues),
// so runs leave nothing behind in the shared Redis.
import { connectRedis } from '../../queue/redis/connect-redis.ts';
import { TEST_REDIS_URL } from './redis-url.ts';

export async function deleteKeys(prefix: string, url: string = TEST_REDIS_URL): Promise<void> {
  const redis = connectRedis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
