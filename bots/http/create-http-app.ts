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
import { metricsRoutes } from './metrics/metrics-routes.ts';
import { limitBody } from './middleware/limit-body.ts';
import { openApiDocument } from './openapi/openapi-document.ts';
import { a1111Routes } from './routes/a1111-routes.ts';
import { artifactsRoutes } from './routes/artifacts-routes.ts';
import { easyAnimateRoutes } from './routes/easyanimate-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { hooksRoutes } from './routes/hooks-routes.ts';
import { jobsRoutes } from './routes/jobs-routes.ts';
import { a1111LorasRoutes, lorasRoutes } from './routes/loras-routes.ts';
import { modelsRoutes } from './routes/models-routes.ts';
import { webRoutes } from './web/web-routes.ts';

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

  const openApi = openApiDocument(s.config);
  app.get('/openapi.json', (c) => c.json(openApi));
  app.route('/', healthRoutes(s));
  // Each sub-app declares its own gate: the job API, models and compat routes want the API key
  // (s.requireKey), the dashboard the admin key, hooks a signature; health, metrics and artifacts are open.
  app.route('/metrics', metricsRoutes(deps));
  app.route('/v1/jobs', jobsRoutes(s));
  app.route('/v1/artifacts', artifactsRoutes(s));
  app.route('/v1/models', modelsRoutes(s));
  app.route('/v1/loras', lorasRoutes(s));
  app.route('/sdapi/v1/loras', a1111LorasRoutes(s));
  app.route('/hooks', hooksRoutes(s, deps.hooks ?? []));
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
