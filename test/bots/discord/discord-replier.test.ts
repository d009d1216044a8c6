// The Discord replier on its own against the fake Discord (REST only, as it runs in any process that
// delivers results): within the interaction token's 15 minutes it edits the interaction's message;
// after them it edits the linked channel message with the bot token; a job without a message (a
// hook's) gets a new post; a message deleted meanwhile is not an error to retry.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordApi } from '../../../bots/discord/discord-api.ts';
import { createDiscordReplier } from '../../../bots/discord/discord-replier.ts';
import { EditClock } from '../../../bots/discord/messages/edit-clock.ts';
import { JobMessages } from '../../../bots/shared/job-messages.ts';
import { createJob, type Job } from '../../../core/index.ts';
import { FileArtifactStore } from '../../../queue/artifacts/file-artifact-store.ts';
import type { ChatReplier } from '../../../queue/components/services.ts';
import { connectRedis } from '../../../queue/redis/connect-redis.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/discord/fake-discord.ts';
import { deleteKeys } from '../../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../helpers/redis-url.ts';
import { ANN, APP_ID, ART_CHANNEL, GUILD_ID, TOKEN } from './discord-harness.ts';

const prefix = uniquePrefix('discord-replier');
const redis = connectRedis(TEST_REDIS_URL);
let fake: FakeDiscord;
let dir: string;
let artifacts: FileArtifactStore;
let replier: ChatReplier;
let jobMessages: JobMessages;
let picture: string;

/** A snowflake made `agoMs` ago (Discord ids carry their time). */
function snowflakeAgo(agoMs: number): string {
  return String((BigInt(Date.now() - agoMs - 1420070400000) << 22n) + 1n);
}

function job(origin: Record<string, unknown>, owner = `discord:${ANN.id}`): Job {
  return createJob({
    kind: 'imagine',
    owner,
    origin: {
      surface: 'discord',
      applicationId: APP_ID,
      channelId: ART_CHANNEL,
      guildId: GUILD_ID,
      ...origin,
    },
    params: { prompt: 'a red circle', width: 64, height: 64, seed: 3 },
  });
}

const outcome = () => ({
  ok: true as const,
  images: [{ artifact: picture, seed: 3, contentType: 'image/png' }],
  warnings: [],
});

beforeAll(async () => {
  fake = await startFakeDiscord({
    token: TOKEN,
    applicationId: APP_ID,
    guilds: [{ id: GUILD_ID, channels: [{ id: ART_CHANNEL, name: 'art' }] }],
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'discord-replier-'));
  artifacts = new FileArtifactStore({ root: dir });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  picture = (await artifacts.put(png, 'image/png')).id;
  jobMessages = new JobMessages(redis, prefix, 3_600_000);
  replier = createDiscordReplier({
    api: new DiscordApi({ token: TOKEN, apiBase: fake.restOptions.api }),
    jobMessages,
    editClock: new EditClock(redis, prefix),
  });
});

afterAll(async () => {
  await fake?.close();
  await deleteKeys(prefix);
  await redis.quit();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the Discord replier', () => {
  it('after the interaction token expired, edits the linked message with the bot token', async () => {
    const message = await new DiscordApi({ token: TOKEN, apiBase: fake.restOptions.api }).createMessage(
      ART_CHANNEL,
      {
        content: 'rendering…',
      },
    );
    const j = job({ interactionId: snowflakeAgo(20 * 60 * 1000), interactionToken: 'expired-token' });
    await jobMessages.link(j.id, `discord:${ART_CHANNEL}:${message.id}`, {
      added: JSON.stringify({ prefix: 'x' }),
    });
    await replier(j, outcome(), artifacts, new AbortController().signal);
    const edit = fake.requests.find(
      (r) => r.method === 'PATCH' && r.path === `/channels/${ART_CHANNEL}/messages/${message.id}`,
    );
    expect(edit?.authorization).toBe(`Bot ${TOKEN}`);
    expect(fake.requests.some((r) => r.path.includes('expired-token'))).toBe(false);
    const edited = fake.message(message.id);
    expect(edited.attachments.map((a) => a.filename)).toEqual(['imagine-3.png']);
    expect(edited.embeds[0]?.fields?.find((f) => f.name === 'Added by this server')?.value).toBe('prefix: x');
  });

  it('waits out a rate limit and delivers', async () => {
    const api = new DiscordApi({ token: TOKEN, apiBase: fake.restOptions.api });
    const message = await api.createMessage(ART_CHANNEL, { content: 'rendering…' });
    const j = job({});
    await jobMessages.link(j.id, `discord:${ART_CHANNEL}:${message.id}`);
    fake.rateLimit({
      method: 'PATCH',
      route: '/channels/:channel/messages/:message',
      times: 1,
      retryAfterMs: 300,
    });
    await replier(j, outcome(), artifacts, new AbortController().signal);
    const patches = fake.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${message.id}`),
    );
    expect(patches.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.message(message.id).attachments).toHaveLength(1);
  });

  it('posts a new message for a job that has none, and links it', async () => {
    const j = job({}, 'hook:gallery');
    await replier(j, outcome(), artifacts, new AbortController().signal);
    const link = await jobMessages.messageOf(j.id);
    const id = link?.messageKey.split(':')[2];
    expect(fake.message(id!).attachments).toHaveLength(1);
    expect(fake.message(id!).components).toEqual([]);
  });

  it('tells a failure in place of the picture', async () => {
    const message = await new DiscordApi({ token: TOKEN, apiBase: fake.restOptions.api }).createMessage(
      ART_CHANNEL,
      {
        content: 'rendering…',
      },
    );
    const j = job({});
    await jobMessages.link(j.id, `discord:${ART_CHANNEL}:${message.id}`);
    await replier(
      j,
      { ok: false, code: 'render_failed', message: 'the model is missing' },
      artifacts,
      new AbortController().signal,
    );
    expect(fake.message(message.id).content).toContain('❌ Failed: the model is missing');
  });

  it('takes a deleted message as delivered (nothing to retry)', async () => {
    const api = new DiscordApi({ token: TOKEN, apiBase: fake.restOptions.api });
    const message = await api.createMessage(ART_CHANNEL, { content: 'rendering…' });
    await api.deleteMessage(ART_CHANNEL, message.id);
    const j = job({});
    await jobMessages.link(j.id, `discord:${ART_CHANNEL}:${message.id}`);
    await expect(replier(j, outcome(), artifacts, new AbortController().signal)).resolves.toBeUndefined();
  });
});
