// GET /healthz (the process answers) and GET /readyz (Redis answers and a live renderer has a model it
// can draw: jobs can be taken and drawn). Both open, for load balancers and orchestrators. Liveness
// leaves Redis out on purpose: restarting the API would not bring Redis back.
import { Hono } from 'hono';
import type { ApiServices } from '../api-services.ts';
import type { HttpEnv } from '../http-deps.ts';

const PING_TIMEOUT_MS = 2000;

async function redisAnswers(s: ApiServices): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), PING_TIMEOUT_MS).unref());
  const ping = s.redis.ping().then(
    (r) => r === 'PONG',
    () => false,
  );
  return Promise.race([ping, timeout]);
}

export function healthRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const redis = await redisAnswers(s);
    const live = redis ? await s.registry.live().catch(() => []) : [];
    const renderers = live.length;
    const withModel = live.filter((w) => w.models.length > 0).length;
    const ready = redis && withModel > 0;
    const reason = !redis
      ? 'Redis does not answer'
      : renderers === 0
        ? 'no renderer is live'
        : withModel === 0
          ? 'no live renderer has a model (see MODELS_DIR)'
          : undefined;
    return c.json(
      { ready, redis: redis ? 'ok' : 'down', renderers, ...(reason ? { reason } : {}) },
      ready ? 200 : 503,
    );
  });
  return app;
}
