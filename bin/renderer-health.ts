// A renderer container's health: Redis answers and a renderer of this host (its id is the hostname,
// pid and a random tag) beats there with a model it can draw. Used by bin/healthcheck.ts for the renderer role.
import { Redis } from 'ioredis';
import { makeKeys } from '../queue/orchestrator/keys.ts';
import { WorkerRegistry } from '../queue/workers/worker-registry.ts';

export async function rendererReady(
  redisUrl: string | undefined,
  hostname: string,
  prefix = 'img',
): Promise<boolean> {
  if (!redisUrl) return false;
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // told by the result
  try {
    await redis.connect();
    const live = await new WorkerRegistry(redis, makeKeys(prefix)).live();
    // Renderer ids are `<hostname>-<pid>-<random>` (bin/stack.ts); hostnames may hold dashes too.
    const ofThisHost = (id: string) =>
      id.startsWith(`${hostname}-`) && /^\d+-[a-z0-9]+$/.test(id.slice(hostname.length + 1));
    return live.some((w) => ofThisHost(w.id) && w.models.length > 0);
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
