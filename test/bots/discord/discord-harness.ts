// The Discord bot over a real stack (queue, toy-model renderer, every component, Redis) against the
// fake Discord: its own Redis prefix and data directory, removed again on close. The bot can be
// restarted while the stack and the fake keep running.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Stack, type StackOptions, startStack } from '../../../bin/stack.ts';
import { type DiscordBot, startDiscordBot } from '../../../bots/discord/discord-bot.ts';
import { type Config, parseConfig } from '../../../core/index.ts';
import { type FakeDiscord, type FakeMessage, startFakeDiscord } from '../../fakes/discord/fake-discord.ts';
import { testModels } from '../../helpers/built-in-models.ts';
import { deleteKeys } from '../../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../helpers/redis-url.ts';
import { waitFor } from '../../helpers/wait-for.ts';

export const TOKEN = 'fake-bot-token.discord.test';
export const APP_ID = '1400000000000000001';
export const GUILD_ID = '1400000000000000100';
export const ART_CHANNEL = '1400000000000000101';
export const NSFW_CHANNEL = '1400000000000000102';
export const OTHER_CHANNEL = '1400000000000000103';
export const PRO_ROLE = '1400000000000000200';
export const ANN = { id: '1400000000000000301', username: 'ann' };
export const BOB = { id: '1400000000000000302', username: 'bob' };
/** Manage Server. */
export const ADMIN_PERMISSIONS = (1n << 5n).toString();

export interface DiscordHarness {
  fake: FakeDiscord;
  stack: Stack;
  config: Config;
  prefix: string;
  logs: string[];
  bot(): DiscordBot;
  /** Stops the bot process's part (gateway, handlers, watchers) and starts it again. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export interface DiscordHarnessOptions {
  name: string;
  env?: Record<string, string>;
  /** Start the gateway bot (default true); interactions-mode tests run without it. */
  gateway?: boolean;
  stack?: Partial<Omit<StackOptions, 'config' | 'redisUrl' | 'prefix'>>;
}

export async function startDiscordHarness(options: DiscordHarnessOptions): Promise<DiscordHarness> {
  const fake = await startFakeDiscord({
    token: TOKEN,
    applicationId: APP_ID,
    guilds: [
      {
        id: GUILD_ID,
        name: 'Painters',
        channels: [
          { id: ART_CHANNEL, name: 'art' },
          { id: NSFW_CHANNEL, name: 'after-dark', nsfw: true },
          { id: OTHER_CHANNEL, name: 'general' },
        ],
        roles: [{ id: PRO_ROLE, name: 'pro' }],
      },
    ],
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `discord-${options.name}-`));
  const config = parseConfig({
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
    DEFAULT_WIDTH: '128',
    DEFAULT_HEIGHT: '128',
    DEFAULT_STEPS: '20',
    LIMIT_MAX_STEPS: '300',
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_BASE: fake.restOptions.api,
    DISCORD_CDN_BASE: fake.url,
    DISCORD_DEV_GUILD: GUILD_ID,
    ...options.env,
  });
  const prefix = uniquePrefix(`discord-${options.name}`);
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: true,
    components: true,
    log,
    ...options.stack,
  });
  await waitFor(
    async () => ((await stack.registry.live()).length > 0 ? true : undefined),
    'the renderer',
    60_000,
  );
  const start = () => startDiscordBot({ config, system: stack.system, artifacts: stack.artifacts, log });
  let bot: DiscordBot | undefined = options.gateway === false ? undefined : await start();
  return {
    fake,
    stack,
    config,
    prefix,
    logs,
    bot: () => {
      if (!bot) throw new Error('the gateway bot is not running');
      return bot;
    },
    async restartBot() {
      await bot?.close();
      bot = await start();
    },
    async close() {
      await bot?.close();
      await stack.close();
      await fake.close();
      await deleteKeys(prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The message that answers an interaction, once it satisfies `done`. */
export async function responseOf(
  h: DiscordHarness,
  interactionId: string,
  done: (m: FakeMessage) => boolean,
  what: string,
  ms = 60_000,
): Promise<FakeMessage> {
  return waitFor(
    async () => {
      const m = h.fake.originalResponse(interactionId);
      return m && done(m) ? m : undefined;
    },
    what,
    ms,
  );
}

/** A result message: it carries the V1.. buttons. */
export function isResult(m: FakeMessage): boolean {
  return JSON.stringify(m.components).includes('"img:v:');
}

/** The ephemeral messages answering an interaction (its callback or follow-ups). */
export function ephemeralTexts(h: DiscordHarness, interactionId: string): string[] {
  const texts: string[] = [];
  for (const r of h.fake.interactionResponses(interactionId)) {
    const body = r.body as {
      data?: { content?: string; flags?: number };
      content?: string;
      flags?: number;
    } | null;
    const data = body?.data ?? body;
    if (data && typeof data.content === 'string' && ((data.flags ?? 0) & 64) !== 0 && r.status < 300)
      texts.push(data.content);
  }
  return texts;
}

/** What the fake Discord refused of the bot's requests (rate limits aside), and its own errors: none expected. */
export function refusedRequests(h: DiscordHarness): string[] {
  return [
    ...h.fake.requests
      .filter((r) => r.status >= 400 && r.status !== 429)
      .map((r) => `${r.method} ${r.route ?? r.path} ${r.status} ${JSON.stringify(r.response)}`),
    ...h.fake.faults.map((f) => `fault: ${f.message}`),
  ];
}
