// HTTP interactions mode (POST /discord/interactions on the HTTP server, no gateway) and inbound hooks
// with a Discord destination, through the fake Discord on a real stack: a signed PING and command
// work, a bad signature or a stale timestamp gets 401, and a hook posts its picture into the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployDiscordCommands } from '../../../bots/discord/commands/deploy-commands.ts';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { type HttpServer, startHttpServer } from '../../../bots/http/server.ts';
import { parseConfig } from '../../../core/index.ts';
import { isRed, rgbOf, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import {
  ANN,
  APP_ID,
  ART_CHANNEL,
  type DiscordHarness,
  GUILD_ID,
  isResult,
  OTHER_CHANNEL,
  refusedRequests,
  responseOf,
  startDiscordHarness,
} from './discord-harness.ts';

const HOOK_SECRET = 'hook-secret-0123456789';

let h: DiscordHarness;
let server: HttpServer;
let endpoint: string;

beforeAll(async () => {
  h = await startDiscordHarness({ name: 'interactions', gateway: false });
  // The public key only the fake knows is given to the HTTP server's config.
  const config = parseConfig({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'PATH')),
    DATA_DIR: h.config.dataDir,
    MODELS_DIR: h.config.modelsDir,
    HOST: '127.0.0.1',
    PORT: '0',
    DEFAULT_WIDTH: '128',
    DEFAULT_HEIGHT: '128',
    DISCORD_TOKEN: h.config.discord.token,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_BASE: h.config.discord.apiBase,
    DISCORD_CDN_BASE: h.config.discord.cdnBases.join(','),
    DISCORD_PUBLIC_KEY: h.fake.publicKey,
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
  });
  const hooks = parseHookConfigs(
    [
      {
        name: 'gallery',
        secret: HOOK_SECRET,
        template: { prompt: '{{title}}', seed: '{{seed}}' },
        destination: { type: 'discord', channelId: OTHER_CHANNEL },
      },
    ],
    config,
  );
  server = await startHttpServer(config, {
    system: h.stack.system,
    artifacts: h.stack.artifacts,
    registry: h.stack.registry,
    apiKeys: [],
    hooks,
    limits: {},
    log: (line) => h.logs.push(line),
  });
  endpoint = `${server.url}/discord/interactions`;
  // Without the gateway bot, commands are registered as a deployment does it: one bulk overwrite.
  const deployed = await deployDiscordCommands(config, { guildId: GUILD_ID });
  expect(deployed.count).toBeGreaterThan(5);
  h.fake.deliverInteractionsTo(endpoint);
}, 120_000);

afterAll(async () => {
  if (h) expect(refusedRequests(h)).toEqual([]);
  await server?.close();
  await h?.close();
});

async function signedPost(body: string, headers: Record<string, string>) {
  return fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('HTTP interactions', () => {
  it('answer a correctly signed PING with a PONG', async () => {
    const ping = await h.fake.ping();
    expect(ping.status).toBe(200);
    expect(h.fake.interactionResponses(ping.id).at(-1)?.body).toEqual({ type: 1 });
  });

  it('run a correctly signed /imagine to a picture in the channel', async () => {
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a red circle on a blue sky --seed 21' },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    const result = await responseOf(h, sent.id, isResult, 'the result');
    const callback = h.fake.interactionResponses(sent.id).find((r) => r.viaEndpoint);
    expect(callback?.status).toBe(200);
    expect(h.fake.interaction(sent.id).callbackType).toBe(5);
    expect(result.embeds[0]?.fields?.find((f) => f.name === 'Seed')?.value).toBe('21');
    const png = result.attachments.find((a) => a.filename.endsWith('.png'))!;
    expect(share(await rgbOf(png.bytes), isRed)).toBeGreaterThan(0.02);
  }, 60_000);

  it('answer a bad flag with an ephemeral error in the HTTP response', async () => {
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a fox --steps 9000' },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    await waitFor(async () => (h.fake.interaction(sent.id).callbackType ? true : undefined), 'the answer');
    const callback = h.fake.interactionResponses(sent.id).find((r) => r.viaEndpoint);
    const body = callback?.body as { type: number; data: { content: string; flags: number } };
    expect(body.type).toBe(4);
    expect(body.data.flags & 64).toBe(64);
    expect(body.data.content).toContain('--steps');
  });

  it('refuse a bad signature and a stale timestamp with 401', async () => {
    const body = JSON.stringify({ id: '1', application_id: APP_ID, type: 1, token: 't', version: 1 });
    const good = h.fake.signInteraction(body);
    const tampered = await signedPost(body.replace('"type":1', '"type":2'), { ...good });
    expect(tampered.status).toBe(401);
    const otherSig = h.fake.signInteraction(`${body} `);
    expect((await signedPost(body, { ...otherSig })).status).toBe(401);
    const stale = h.fake.signInteraction(body, Math.floor(Date.now() / 1000) - 3600);
    const staleRes = await signedPost(body, { ...stale });
    expect(staleRes.status).toBe(401);
    expect(JSON.stringify(await staleRes.json())).toContain('timestamp');
    expect((await signedPost(body, {})).status).toBe(401);
    // The same request correctly signed is answered.
    const ok = await signedPost(body, { ...good });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ type: 1 });
  });
});

describe('a hook with a Discord destination', () => {
  it('posts the picture, its prompt and seed into the channel through the bot', async () => {
    const body = JSON.stringify({ title: 'a red circle on a blue sky', seed: 99 });
    const res = await fetch(`${server.url}/hooks/gallery`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHookBody(HOOK_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(res.status).toBe(202);
    const posted = await waitFor(
      async () =>
        h.fake.messages(OTHER_CHANNEL).find((m) => m.attachments.some((a) => a.filename.endsWith('.png'))),
      'the post in the channel',
      60_000,
    );
    const create = h.fake.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${OTHER_CHANNEL}/messages`,
    );
    expect(create?.authorization).toBe(`Bot ${h.config.discord.token}`);
    expect(posted.embeds[0]?.description).toBe('a red circle on a blue sky');
    expect(posted.embeds[0]?.fields?.find((f) => f.name === 'Seed')?.value).toBe('99');
    const png = posted.attachments.find((a) => a.filename.endsWith('.png'))!;
    expect(share(await rgbOf(png.bytes), isRed)).toBeGreaterThan(0.02);
    // Nobody on Discord owns a hook's job: no buttons.
    expect(posted.components).toEqual([]);
  }, 60_000);
});
