// /imagine through the fake Discord on a real stack (queue, toy-model renderer, Redis): the picture
// arrives as a PNG attachment with an embed that shows its seed, progress edits come at most one per
// 2 s, buttons make new jobs for their owner only and keep working after a restart of the bot, the
// edit modal makes a job of the edited prompt, a bad flag is an ephemeral error, the server's
// prefix/suffix/negative reach the rendered prompt, and commands go up in one bulk overwrite.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/discord/fake-discord.ts';
import { isGreen, isRed, isYellow, rgbOf, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import {
  ADMIN_PERMISSIONS,
  ANN,
  ART_CHANNEL,
  BOB,
  type DiscordHarness,
  ephemeralTexts,
  GUILD_ID,
  isResult,
  refusedRequests,
  responseOf,
  startDiscordHarness,
} from './discord-harness.ts';

let h: DiscordHarness;

/** Sand: warm and light. */
const isSand = ([r, g, b]: [number, number, number]) => r > 150 && g > 120 && b < g && r >= g;

beforeAll(async () => {
  h = await startDiscordHarness({ name: 'imagine' });
}, 120_000);

afterAll(async () => {
  if (h) expect(refusedRequests(h)).toEqual([]);
  await h?.close();
});

function embedField(m: FakeMessage, name: string): string | undefined {
  return m.embeds[0]?.fields?.find((f) => f.name === name)?.value;
}

function jobIdOf(m: FakeMessage): string {
  const id = /job (\S+)/.exec(m.embeds[0]?.footer?.text ?? '')?.[1];
  if (!id) throw new Error('the result has no job id in its footer');
  return id;
}

function pngOf(m: FakeMessage) {
  const png = m.attachments.find((a) => a.filename.endsWith('.png'));
  if (!png) throw new Error('the result has no PNG');
  return png;
}

async function imagine(prompt: string, user = ANN) {
  const sent = await h.fake.slashCommand({
    name: 'imagine',
    options: { prompt },
    user,
    channelId: ART_CHANNEL,
  });
  return { sent, result: await responseOf(h, sent.id, isResult, `the result of "${prompt}"`) };
}

/** Waits until the interaction's message has not been edited for 2.5 s (no edit is pending then). */
async function quiet(interactionId: string): Promise<void> {
  for (;;) {
    const last = h.fake.originalResponse(interactionId)?.revisions.at(-1)?.at ?? 0;
    const left = last + 2500 - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, left));
  }
}

async function stateOf(jobId: string) {
  const state = await h.stack.system.orchestrator.state(jobId);
  if (!state) throw new Error(`no job ${jobId}`);
  return state;
}

describe('commands', () => {
  it('are registered in the development guild with one bulk overwrite, and not again when unchanged', async () => {
    const puts = () => h.fake.requests.filter((r) => r.method === 'PUT' && r.path.includes('/commands'));
    expect(puts()).toHaveLength(1);
    expect(puts()[0].path).toBe(
      `/applications/${h.config.discord.applicationId}/guilds/${GUILD_ID}/commands`,
    );
    const names = h.fake.commands(GUILD_ID).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'imagine',
        'remix',
        'inpaint',
        'animate',
        'settings',
        'queue',
        'cancel',
        'Inpaint',
      ]),
    );
    await h.restartBot();
    expect(puts()).toHaveLength(1);
    expect(h.logs).toContain(`discord: commands unchanged in guild ${GUILD_ID}`);
  }, 60_000);
});

describe('/imagine', () => {
  it('ends in a PNG attachment whose embed shows the seed, after progress edits at most one per 2 s', async () => {
    // The renderer's queue is held at first, so the message shows its place in line before rendering.
    await h.stack.system.queues.gpu.pause();
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a red circle on a blue sky --seed 4242 --steps 300 --size 512x512' },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    try {
      await responseOf(h, sent.id, (m) => m.content.includes('in line'), 'a queue position edit');
      // Let the edit slot pass, so the first progress event of the render is shown at once.
      await quiet(sent.id);
    } finally {
      await h.stack.system.queues.gpu.resume();
    }
    const result = await responseOf(h, sent.id, isResult, 'the result message');
    expect(h.fake.interaction(sent.id).callbackType).toBe(5);
    const png = pngOf(result);
    expect(png.content_type).toBe('image/png');
    const meta = await sharp(png.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
    expect(share(await rgbOf(png.bytes), isRed)).toBeGreaterThan(0.02);
    await writeFile(path.join(os.tmpdir(), 'discord-imagine-result.png'), png.bytes);
    expect(embedField(result, 'Seed')).toBe('4242');
    expect(embedField(result, 'Steps')).toBe('300');
    expect(embedField(result, 'Size')).toBe('512x512');
    expect(embedField(result, 'Sampler')).toBe('euler_a');
    expect(embedField(result, 'Model')).toBe('toy');
    expect(result.embeds[0]?.description).toBe('a red circle on a blue sky');
    // The embed shows the attached picture (Discord resolves attachment:// to the file's URL).
    expect(result.embeds[0]?.image?.url).toBe(png.url);

    // Progress: the place in line, then a bar with step x/300, at least ~2 s between edits of the message.
    const contents = result.revisions.map((r) => r.content);
    expect(contents.some((c) => /queued: 1st in line/.test(c))).toBe(true);
    expect(contents.some((c) => /rendering \[[█░]+\] \d+% step \d+\/300/.test(c))).toBe(true);
    const edits = h.fake
      .interactionResponses(sent.id)
      .filter((r) => r.method === 'PATCH' && r.status < 300)
      .map((r) => r.receivedAt);
    expect(edits.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < edits.length; i++) expect(edits[i] - edits[i - 1]).toBeGreaterThanOrEqual(2000);
    // Far fewer edits than the renderer's 300 progress events.
    const events = await h.stack.system.events.read(jobIdOf(result));
    expect(events.filter((e) => e.event.type === 'progress').length).toBeGreaterThan(edits.length * 3);
  }, 120_000);

  it('keeps the progress message of a waiting job moving after the bot restarts', async () => {
    await h.stack.system.queues.gpu.pause();
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a red circle on a blue sky --steps 300 --size 512x512' },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    try {
      const before = (
        await responseOf(h, sent.id, (m) => m.content.includes('in line'), 'a queue position edit')
      ).revisions.length;
      await h.restartBot();
      expect(h.logs).toContain('discord: watching 1 unfinished jobs again');
      // The restarted bot edits the message again (its place in line); then the edit slot passes.
      await responseOf(h, sent.id, (m) => m.revisions.length > before, 'the edit of the restarted bot');
      await quiet(sent.id);
    } finally {
      await h.stack.system.queues.gpu.resume();
    }
    const result = await responseOf(h, sent.id, isResult, 'the result message');
    expect(result.revisions.some((r) => /rendering \[[█░]+\] \d+% step \d+\/300/.test(r.content))).toBe(true);
  }, 120_000);

  it('takes typed options, with a flag in the prompt winning over its option', async () => {
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: {
        prompt: 'a red circle --seed 6',
        aspect: '2:1',
        steps: 10,
        seed: 5,
        sampler: 'ddim',
        negative: 'sea',
      },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    const result = await responseOf(h, sent.id, isResult, 'the result');
    const state = await stateOf(jobIdOf(result));
    expect(state.job.params).toMatchObject({
      seed: 6,
      width: 176,
      height: 88,
      steps: 10,
      sampler: 'ddim',
      negativePrompt: 'sea',
    });
    expect(embedField(result, 'Negative prompt')).toBe('sea');
  }, 60_000);

  it('answers a bad flag with an ephemeral error that says what to change, and queues nothing', async () => {
    const sent = await h.fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a red circle --ar 40:1 --sed 5' },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    await waitFor(async () => (h.fake.interaction(sent.id).callbackType ? true : undefined), 'the answer');
    expect(h.fake.interaction(sent.id).callbackType).toBe(4);
    const [text] = ephemeralTexts(h, sent.id);
    expect(text).toContain('--ar');
    expect(text).toMatch(/--ar: "40:1" is too extreme: .*4:1/);
    expect(text).toContain('--sed is not a known flag (did you mean --seed?)');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    expect(h.fake.messages(ART_CHANNEL).some((m) => m.interaction?.id === sent.id && !m.ephemeral)).toBe(
      false,
    );
  });
});

describe('buttons', () => {
  let first: FakeMessage;
  let firstJob: string;

  beforeAll(async () => {
    first = (await imagine('a red circle on a blue sky --seed 77 --n 4')).result;
    firstJob = jobIdOf(first);
  }, 60_000);

  it('carry the job id: V1..V4, U1..U4, reroll, edit, delete, under a 2x2 grid of the four pictures', async () => {
    const labels = JSON.stringify(first.components);
    for (const label of ['"V1"', '"V4"', '"U1"', '"U4"', 'Reroll', 'Edit', 'Delete'])
      expect(labels).toContain(label);
    for (const id of [
      `img:v:${firstJob}:0`,
      `img:v:${firstJob}:3`,
      `img:u:${firstJob}:3`,
      `img:r:${firstJob}:0`,
    ])
      expect(labels).toContain(id);
    const grid = pngOf(first);
    expect(grid.filename).toContain('grid');
    const meta = await sharp(grid.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
    const rgb = await rgbOf(grid.bytes);
    for (const [x0, y0] of [
      [0, 0],
      [128, 0],
      [0, 128],
      [128, 128],
    ])
      expect(share(rgb, isRed, { x0, y0, x1: x0 + 128, y1: y0 + 128 })).toBeGreaterThan(0.02);
    expect(embedField(first, 'Seed')).toBe('77 (pictures: 77, 78, 79, 80)');
    expect(embedField(first, 'Size')).toBe('128x128');
  });

  it('V1 makes a variation job of that picture, as a new message', async () => {
    const press = await h.fake.pressButton({ message: first.id, customId: `img:v:${firstJob}:0`, user: ANN });
    const result = await responseOf(h, press.id, isResult, 'the variation');
    expect(result.id).not.toBe(first.id);
    const state = await stateOf(jobIdOf(result));
    expect(state.job.kind).toBe('variation');
    expect(state.job.parent).toEqual({ jobId: firstJob, index: 0 });
    expect(state.job.params.strength).toBeCloseTo(0.6);
    expect(state.job.params.seed).not.toBe(77);
    expect(state.job.owner).toBe(`discord:${ANN.id}`);
  }, 60_000);

  it('U2 makes an upscale of that picture at twice the size', async () => {
    const press = await h.fake.pressButton({ message: first.id, customId: `img:u:${firstJob}:1`, user: ANN });
    const result = await responseOf(h, press.id, isResult, 'the upscale');
    const state = await stateOf(jobIdOf(result));
    expect(state.job.kind).toBe('upscale');
    expect(state.job.parent).toEqual({ jobId: firstJob, index: 1 });
    const meta = await sharp(pngOf(result).bytes).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
    expect(embedField(result, 'Size')).toBe('256x256');
    expect(share(await rgbOf(pngOf(result).bytes), isRed)).toBeGreaterThan(0.02);
  }, 60_000);

  it('refuses a press by someone else with an ephemeral "only the requester can do this"', async () => {
    const before = h.fake.messages(ART_CHANNEL).filter((m) => !m.ephemeral).length;
    const press = await h.fake.pressButton({ message: first.id, customId: `img:r:${firstJob}:0`, user: BOB });
    await waitFor(async () => (ephemeralTexts(h, press.id).length > 0 ? true : undefined), 'the refusal');
    expect(ephemeralTexts(h, press.id)).toEqual(['only the requester can do this']);
    expect(h.fake.messages(ART_CHANNEL).filter((m) => !m.ephemeral).length).toBe(before);
  });

  it('keep working after the bot restarts: reroll makes a new job with a new seed', async () => {
    await h.restartBot();
    const press = await h.fake.pressButton({ message: first.id, customId: `img:r:${firstJob}:0`, user: ANN });
    const result = await responseOf(h, press.id, isResult, 'the reroll after a restart');
    const state = await stateOf(jobIdOf(result));
    expect(state.job.kind).toBe('imagine');
    expect(state.job.params.prompt).toBe('a red circle on a blue sky');
    expect(state.job.params.count).toBe(4);
    expect(state.job.params.seed).not.toBe(77);
  }, 60_000);

  it('edit opens a modal with the prompt and its flags; submitting it makes a job of the edited prompt', async () => {
    const press = await h.fake.pressButton({ message: first.id, customId: `img:e:${firstJob}:0`, user: ANN });
    await waitFor(async () => h.fake.interaction(press.id).modal ?? undefined, 'the modal');
    const modal = JSON.stringify(h.fake.interaction(press.id).modal);
    expect(modal).toContain('a red circle on a blue sky --size 128x128');
    expect(modal).toContain('--n 4');
    const submit = await h.fake.submitModal({
      fromInteraction: press.id,
      fields: { prompt: 'a yellow square on grass --seed 5' },
      user: ANN,
    });
    const result = await responseOf(h, submit.id, isResult, 'the edited job');
    const state = await stateOf(jobIdOf(result));
    expect(state.job.params.prompt).toBe('a yellow square on grass');
    expect(state.job.params.seed).toBe(5);
    await writeFile(path.join(os.tmpdir(), 'discord-edited.png'), pngOf(result).bytes);
    const rgb = await rgbOf(pngOf(result).bytes);
    expect(share(rgb, isGreen)).toBeGreaterThan(0.3);
    expect(share(rgb, isYellow)).toBeGreaterThan(0.02);
  }, 60_000);

  it('delete removes the message (owner only)', async () => {
    const { result } = await imagine('a red circle --seed 9');
    const press = await h.fake.pressButton({
      message: result.id,
      customId: `img:d:${jobIdOf(result)}:0`,
      user: ANN,
    });
    await waitFor(async () => (h.fake.message(result.id).deleted ? true : undefined), 'the deletion');
    expect(h.fake.interaction(press.id).callbackType).toBe(6);
  }, 60_000);
});

describe('server settings', () => {
  it('reach the rendered prompt: prefix, suffix and negative prompt, shown in the embed', async () => {
    const set = await h.fake.slashCommand({
      name: 'settings',
      subcommand: 'server',
      options: { prefix: 'a red circle', suffix: 'on the beach', negative: 'night' },
      user: ANN,
      permissions: ADMIN_PERMISSIONS,
      channelId: ART_CHANNEL,
    });
    await waitFor(
      async () => (ephemeralTexts(h, set.id).length > 0 ? true : undefined),
      'the settings answer',
    );
    expect(ephemeralTexts(h, set.id)[0]).toContain('prompt prefix: a red circle');

    // Without Manage Server the same change is refused.
    const denied = await h.fake.slashCommand({
      name: 'settings',
      subcommand: 'server',
      options: { prefix: 'x' },
      user: BOB,
      channelId: ART_CHANNEL,
    });
    await waitFor(async () => (ephemeralTexts(h, denied.id).length > 0 ? true : undefined), 'the refusal');
    expect(ephemeralTexts(h, denied.id)[0]).toContain('Manage Server');

    try {
      const { result } = await imagine('left --seed 3', BOB);
      const state = await stateOf(jobIdOf(result));
      expect(state.job.params.prompt).toBe('a red circle, left, on the beach');
      expect(state.job.params.negativePrompt).toBe('night');
      expect(embedField(result, 'Added by this server')).toContain('prefix: a red circle');
      expect(embedField(result, 'Added by this server')).toContain('suffix: on the beach');
      const rgb = await rgbOf(pngOf(result).bytes);
      await writeFile(path.join(os.tmpdir(), 'discord-affixes.png'), pngOf(result).bytes);
      // The server's red circle sits where the user's text put it (left), on the server's beach.
      const half = { y0: 0, y1: 128 };
      expect(share(rgb, isRed, { ...half, x0: 0, x1: 64 })).toBeGreaterThan(0.05);
      expect(share(rgb, isRed, { ...half, x0: 64, x1: 128 })).toBeLessThan(0.02);
      expect(share(rgb, isSand)).toBeGreaterThan(0.3);
    } finally {
      await h.stack.system.redis.del(`${h.prefix}:chat-settings:discord:guild:${GUILD_ID}`);
    }
  }, 60_000);
});
