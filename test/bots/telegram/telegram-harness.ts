// The Telegram surface end to end: the fake Bot API (a real HTTP server), a real stack on Redis with
// the toy-model renderer and every component (the queue's Telegram replier and media resolver wired
// by startStack from the config), and the bot started as the telegram role starts it, by long
// polling or by webhook through the real HTTP server.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Stack, startStack } from '../../../bin/stack.ts';
import type { HookConfig } from '../../../bots/http/inbound/hook-config.ts';
import { type HttpServer, startHttpServer } from '../../../bots/http/server.ts';
import type { TelegramBot } from '../../../bots/telegram/bot.ts';
import { createTelegramSurface } from '../../../bots/telegram/start-telegram.ts';
import { type Config, parseConfig } from '../../../core/config/config.ts';
import { FakeBotApi } from '../../fakes/telegram/fake-bot-api.ts';
import { testModels } from '../../helpers/built-in-models.ts';
import { deleteKeys } from '../../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../helpers/redis-url.ts';
import { waitFor } from '../../helpers/wait-for.ts';

export interface TelegramHarness {
  fake: FakeBotApi;
  stack: Stack;
  config: Config;
  bot: TelegramBot;
  http?: HttpServer;
  prefix: string;
  logs: string[];
  close(): Promise<void>;
}

export interface TelegramHarnessOptions {
  name: string;
  env?: Record<string, string>;
  /** Webhook mode: the HTTP server serves the bot's webhook (and the API). */
  webhook?: boolean;
  /** Start the HTTP server (for hooks) even without webhook mode. */
  http?: boolean;
  hooks?: HookConfig[] | ((config: Config) => HookConfig[]);
}

export const WEBHOOK_SECRET = 'telegram-webhook-secret_0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startTelegramHarness(options: TelegramHarnessOptions): Promise<TelegramHarness> {
  const fake = await FakeBotApi.start();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `telegram-${options.name}-`));
  const port = options.webhook ? await freePort() : 0;
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
    // Small, quick pictures unless a test asks for others.
    DEFAULT_WIDTH: '128',
    DEFAULT_HEIGHT: '128',
    DEFAULT_STEPS: '8',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_ALBUM_WAIT_MS: '300',
    TELEGRAM_EDIT_INTERVAL_MS: '100',
    ...(options.webhook
      ? {
          TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
          TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        }
      : {}),
    ...options.env,
  });
  const prefix = uniquePrefix(`telegram-${options.name}`);
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: true,
    components: true,
    log,
  });
  await waitFor(
    async () => ((await stack.registry.live()).length > 0 ? true : undefined),
    'the renderer',
    60_000,
  );
  const bot = createTelegramSurface({ config, stack, log });
  let http: HttpServer | undefined;
  if (options.webhook || options.http) {
    const hooks = typeof options.hooks === 'function' ? options.hooks(config) : (options.hooks ?? []);
    http = await startHttpServer(config, {
      system: stack.system,
      artifacts: stack.artifacts,
      registry: stack.registry,
      apiKeys: [],
      hooks,
      limits: {},
      allowPrivateCallbacks: true,
      telegramWebhook: bot.webhook,
      log,
    });
  }
  await bot.start();
  return {
    fake,
    stack,
    config,
    bot,
    http,
    prefix,
    logs,
    async close() {
      await bot.stop();
      await http?.close();
      await stack.close();
      await fake.close();
      await deleteKeys(prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
