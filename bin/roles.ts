// What each role starts. `all` runs everything in one process on the built-in defaults.
import { type Config, ValidationError } from '../core/index.ts';
import { ensureBuiltInModels } from '../models/built-in.ts';
import { createLogger } from '../queue/logging/logger.ts';
import { resolveRedis } from '../queue/redis/resolve-redis.ts';
import { checkPortFree, listenProblem } from './check-port.ts';
import { type Stack, startStack } from './stack.ts';

export const ROLES = ['api', 'renderer', 'discord', 'telegram', 'all'] as const;
export type Role = (typeof ROLES)[number];

export interface Running {
  stack: Stack;
  /** The HTTP server's URL as bound, when this role serves HTTP. */
  httpUrl?: string;
  stop(): Promise<void>;
  /** At once, for a process about to die: stops the embedded Redis (it keeps every acknowledged write). */
  kill(): void;
}

/** A listen problem of METRICS_PORT, told in its own name (check-port.ts words it for PORT). */
function metricsPortError(err: unknown): never {
  if (!(err instanceof ValidationError)) throw err;
  const problems = err.problems.map((p) =>
    p.field === 'PORT'
      ? { ...p, field: 'METRICS_PORT', problem: p.problem.replace(/\bPORT\b/, 'METRICS_PORT') }
      : p,
  );
  throw new ValidationError(problems, 'cannot start');
}

export async function startRole(role: Role, config: Config): Promise<Running> {
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const serves = role === 'api' || role === 'all';
  // Before anything starts: a port in use is the user's to fix, and should be told at once.
  if (serves) await checkPortFree(config.http.host, config.http.port);
  if (config.metricsPort) await checkPortFree(config.http.host, config.metricsPort).catch(metricsPortError);
  const redis = await resolveRedis(config);
  log(
    redis.embedded
      ? `redis: started redis-server at ${redis.url} (data in ${redis.embedded.dir})`
      : `redis: ${redis.url}`,
  );
  const renders = role === 'renderer' || role === 'all';
  if (renders) await ensureBuiltInModels(config.modelsDir, log);
  const stack = await startStack({
    config,
    redisUrl: redis.url,
    renderer: renders,
    components: role !== 'renderer',
    log,
  });
  const stoppers: (() => Promise<void>)[] = [];
  let httpUrl: string | undefined;
  // Built before the HTTP server, which serves the Telegram webhook in webhook mode.
  const telegram =
    (role === 'telegram' || role === 'all') && config.telegram.token
      ? (await import('../bots/telegram/start-telegram.ts')).createTelegramSurface({ config, stack, log })
      : undefined;
  if (role === 'api' || role === 'all' || telegram?.webhook) {
    const { startHttpServer } = await import('../bots/http/server.ts');
    const server = await startHttpServer(config, { ...stack, telegramWebhook: telegram?.webhook }, log).catch(
      async (err: unknown) => {
        // A setting it refused (HOST without keys): let go of what started, so the process can exit.
        await stack.close().catch(() => undefined);
        await redis.stop().catch(() => undefined);
        throw err;
      },
    );
    httpUrl = server.url;
    stoppers.push(async () => {
      await server.close();
      log('stopped: http');
    });
  }
  if (config.metricsPort !== undefined) {
    const { startMetricsServer } = await import('../bots/http/metrics/metrics-server.ts');
    const metrics = await startMetricsServer(config.http.host, config.metricsPort).catch(
      async (err: unknown) => {
        for (const stop of stoppers) await stop().catch(() => undefined);
        await stack.close().catch(() => undefined);
        await redis.stop().catch(() => undefined);
        const problem = listenProblem(err, config.http.host, config.metricsPort as number);
        return metricsPortError(problem ? new ValidationError([problem], 'cannot start') : err);
      },
    );
    log(`metrics: serving GET /metrics at ${metrics.url}/metrics`);
    stoppers.push(() => metrics.close());
  }
  for (const surface of ['discord', 'telegram'] as const) {
    if (role !== surface && role !== 'all') continue;
    const token = surface === 'discord' ? config.discord.token : config.telegram.token;
    if (!token) {
      log(
        `${surface}: no ${surface === 'discord' ? 'DISCORD_TOKEN' : 'TELEGRAM_BOT_TOKEN'} set, not started`,
      );
      continue;
    }
    if (surface === 'discord') {
      const { startDiscordBot } = await import('../bots/discord/discord-bot.ts');
      const bot = await startDiscordBot({ config, system: stack.system, artifacts: stack.artifacts, log });
      stoppers.push(async () => {
        await bot.close();
        log('stopped: discord');
      });
      continue;
    }
    await telegram?.start();
    stoppers.push(async () => {
      await telegram?.stop();
      log('stopped: telegram');
    });
  }
  return {
    stack,
    httpUrl,
    // Surfaces first (no new work), then the workers (each running component stops at its next step
    // and goes back to its queue), then Redis, which the workers need until they have let go.
    async stop() {
      for (const stop of stoppers) await stop().catch((err) => log(`stopping: ${(err as Error).message}`));
      await stack.close();
      log('stopped: workers');
      await redis.stop();
      if (redis.embedded) log('stopped: redis');
    },
    kill() {
      if (redis.embedded) process.kill(redis.embedded.pid, 'SIGTERM');
    },
  };
}
