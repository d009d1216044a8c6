// The HTTP surface as a Hono app, without listening: job API, events, artifacts, models, health,
// OpenAPI, inbound hooks and the AUTOMATIC1111 and EasyAnimate compatible routes.
import { Hono } from 'hono';
import { OwnerSchema } from '../../core/job/references.ts';
import { createBotContext } from '../discord/bot-context.ts';
import { discordInteractionsRoute } from '../discord/interactions-route.ts';
import { telegramWebhookRoute } from '../telegram/webhook-route.ts';
import { apiServices } from './api-services.ts';
import { dashboardRoutes } from './dashboard/dashboard-routes.ts';
import { ApiError } from './errors/api-error.ts';
import { errorHandler } from './errors/error-handler.ts';
import type { HttpDeps, HttpEnv } from './http-deps.ts';
import { metricsRoute } from './metrics/metrics-route.ts';
import { authenticate } from './middleware/authenticate.ts';
import { limitBody } from './middleware/limit-body.ts';
import { openApiDocument } from './openapi/openapi-document.ts';
import { a1111Routes } from './routes/a1111-routes.ts';
import { artifactsRoute } from './routes/artifacts-route.ts';
import { easyAnimateRoutes } from './routes/easyanimate-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { hooksRoute } from './routes/hooks-route.ts';
import { jobEventsRoute } from './routes/job-events-route.ts';
import { jobsRoutes } from './routes/jobs-routes.ts';
import { modelsRoute } from './routes/models-route.ts';
import { recentJobsRoute } from './routes/recent-jobs-route.ts';
import { webRoutes } from './web/web-routes.ts';

/** Paths that need a key when keys are configured. */
const PROTECTED = ['/v1/jobs', '/v1/jobs/*', '/v1/models', '/sdapi/*', '/easyanimate/*'];

/** A key whose owner is not a valid job owner would fail every submission: refuse it at start. */
function checkKeyOwners(deps: HttpDeps): void {
  for (const key of deps.apiKeys ?? []) {
    if (!OwnerSchema.safeParse(key.owner).success) {
      throw new Error(`API key ${key.name}: owner ${JSON.stringify(key.owner)} must look like key:NAME`);
    }
  }
}

export function createHttpApp(deps: HttpDeps): Hono<HttpEnv> {
  checkKeyOwners(deps);
  const s = apiServices(deps);
  const app = new Hono<HttpEnv>();
  app.onError(errorHandler(s.log, { debug: s.config.logLevel === 'debug' }));
  app.notFound(() => {
    throw new ApiError(404, 'not_found', 'no such route (see /openapi.json)');
  });
  app.use('*', limitBody(s.limits.maxBodyBytes));
  const auth = authenticate(deps.apiKeys ?? []);
  for (const path of PROTECTED) app.use(path, auth);

  const openApi = openApiDocument(s.config);
  app.get('/openapi.json', (c) => c.json(openApi));
  app.route('/', healthRoutes(s));
  app.route('/metrics', metricsRoute(deps));
  app.route('/v1/jobs', recentJobsRoute(s));
  app.route('/v1/jobs', jobsRoutes(s));
  app.route('/v1/jobs', jobEventsRoute(s));
  app.route('/v1/artifacts', artifactsRoute(s));
  app.route('/v1/models', modelsRoute(s));
  app.route('/hooks', hooksRoute(s, deps.hooks ?? []));
  app.route('/sdapi/v1', a1111Routes(s));
  app.route('/easyanimate', easyAnimateRoutes(s));
  // The web page at / and, behind the admin key, the dashboard.
  app.route('/', webRoutes({ keysRequired: (deps.apiKeys ?? []).length > 0 }));
  app.route('/', dashboardRoutes(s, deps.system.queues, deps.apiKeys ?? []));
  // Discord's HTTP interactions mode (instead of, or beside, the gateway bot).
  const discordKey = s.config.discord.publicKey;
  if (discordKey) {
    const discord = createBotContext({
      config: s.config,
      system: deps.system,
      artifacts: deps.artifacts,
      log: s.log,
    });
    app.route('/discord/interactions', discordInteractionsRoute(discord, discordKey));
  }
  // Telegram's webhook mode: updates Telegram posts, with the secret token it was given.
  if (deps.telegramWebhook) app.route(deps.telegramWebhook.path, telegramWebhookRoute(deps.telegramWebhook));
  return app;
}
