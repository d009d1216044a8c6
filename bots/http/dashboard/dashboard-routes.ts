// /dashboard: behind the admin key (see require-admin.ts). Our page (/dashboard/) with jobs in flight,
// renderers and recent results, its data under /dashboard/api/, and the BullMQ queues in bull-board
// under /dashboard/queues.
import type { Queue } from 'bullmq';
import { type Context, Hono } from 'hono';
import type { ApiServices } from '../api-services.ts';
import type { ApiKeyRecord } from '../auth/api-keys.ts';
import type { HttpEnv } from '../http-deps.ts';
import { linkBase } from '../links.ts';
import { readAsset, serveAsset } from '../web/static-asset.ts';
import { overview, recentResults } from './dashboard-data.ts';
import { dashboardEvents } from './dashboard-events.ts';
import { queuesBoard } from './queues-board.ts';
import { requireAdmin } from './require-admin.ts';

export const DASHBOARD_PATH = '/dashboard';
const RECENT_MAX = 48;

const asset = (name: string) => readAsset(new URL(`./assets/${name}`, import.meta.url));

/** Mounted at / (so that both /dashboard and /dashboard/ are its own paths). */
export function dashboardRoutes(
  s: ApiServices,
  queues: Record<string, Queue>,
  keys: readonly ApiKeyRecord[],
): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const at = (p: string) => `${DASHBOARD_PATH}${p}`;
  const admin = requireAdmin(keys);
  app.use(DASHBOARD_PATH, admin);
  app.use(at('/*'), admin);
  app.get(DASHBOARD_PATH, (c) => c.redirect(at('/')));
  app.get(at('/'), serveAsset(asset('dashboard.html'), 'html'));
  app.get(at('/dashboard.js'), serveAsset(asset('dashboard.js'), 'js'));
  const base = (c: Context) => linkBase(c, s.config.http.publicUrl);
  app.get(at('/api/overview'), async (c) => c.json(await overview(s, queues, base(c))));
  app.get(at('/api/recent'), async (c) => c.json({ jobs: await recentResults(s, base(c), RECENT_MAX) }));
  app.get(at('/api/events'), (c) => dashboardEvents(s, c));
  // bull-board's plugin is a plain Hono app; it reads nothing of ours from the context.
  app.route(at('/queues'), queuesBoard(Object.values(queues), at('/queues')) as unknown as Hono<HttpEnv>);
  return app;
}
