// The other commands and the server policy through the fake Discord on a real stack: /remix, /queue
// and /cancel, /settings for oneself, /animate until videos exist; allowed channels, options gated by
// role, NSFW prompts only in age-restricted channels, and a guild's prompt rules (the moderate
// component), whose refusal after acceptance edits the job message with the reason.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/discord/fake-discord.ts';
import { isRed, isYellow, rgbOf, share } from '../../helpers/picture.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import {
  ANN,
  ART_CHANNEL,
  BOB,
  type DiscordHarness,
  ephemeralTexts,
  GUILD_ID,
  isResult,
  NSFW_CHANNEL,
  OTHER_CHANNEL,
  PRO_ROLE,
  refusedRequests,
  responseOf,
  startDiscordHarness,
} from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await startDiscordHarness({
    name: 'policy',
    env: {
      DISCORD_ALLOWED_CHANNELS: `${ART_CHANNEL},${NSFW_CHANNEL}`,
      DISCORD_ROLE_GATES: `steps>30=${PRO_ROLE},video=${PRO_ROLE}`,
      DISCORD_NSFW_TERMS: 'lingerie',
      DISCORD_PROMPT_RULES: `${GUILD_ID}:cats|dogs`,
    },
  });
}, 120_000);

afterAll(async () => {
  if (h) expect(refusedRequests(h)).toEqual([]);
  await h?.close();
});

function jobIdOf(m: FakeMessage): string {
  return /job (\S+)/.exec(m.embeds[0]?.footer?.text ?? '')?.[1] ?? '';
}

async function ephemeralAnswer(interactionId: string): Promise<string> {
  return waitFor(async () => ephemeralTexts(h, interactionId)[0], 'the ephemeral answer');
}

async function command(name: string, options: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return h.fake.slashCommand({ name, options, user: ANN, channelId: ART_CHANNEL, ...extra } as Parameters<
    typeof h.fake.slashCommand
  >[0]);
}

describe('policy', () => {
  it('answers only in the allowed channels', async () => {
    const sent = await command('imagine', { prompt: 'a red circle' }, { channelId: OTHER_CHANNEL });
    expect(await ephemeralAnswer(sent.id)).toBe(
      `this bot does not draw in this channel: use <#${ART_CHANNEL}>, <#${NSFW_CHANNEL}>`,
    );
  });

  it('gates steps above 30 behind a role, saying what to change', async () => {
    const denied = await command('imagine', { prompt: 'a red circle --steps 40' });
    expect(await ephemeralAnswer(denied.id)).toBe(
      `steps 40 is over 30 steps, which needs the role <@&${PRO_ROLE}>: use at most 30`,
    );
    const allowed = await command('imagine', { prompt: 'a red circle --steps 40' }, { roles: [PRO_ROLE] });
    const result = await responseOf(h, allowed.id, isResult, 'the pro render');
    expect(result.embeds[0]?.fields?.find((f) => f.name === 'Steps')?.value).toBe('40');
  }, 60_000);

  it('renders NSFW terms only in age-restricted channels', async () => {
    const denied = await command('imagine', { prompt: 'a red circle in lingerie' });
    expect(await ephemeralAnswer(denied.id)).toContain('only allowed in age-restricted channels');
    const allowed = await command(
      'imagine',
      { prompt: 'a red circle in lingerie' },
      { channelId: NSFW_CHANNEL },
    );
    await responseOf(h, allowed.id, isResult, 'the render in the age-restricted channel');
  }, 60_000);

  it('applies the guild’s prompt rules in the moderate component: the job message then shows the reason', async () => {
    const sent = await command('imagine', { prompt: 'two cats on the beach' });
    const failed = await responseOf(h, sent.id, (m) => m.content.startsWith('❌'), 'the failure edit');
    expect(failed.content).toContain('"cats" is not allowed here');
    expect(failed.attachments).toEqual([]);
    expect(failed.components).toEqual([]);
  }, 60_000);
});

describe('commands', () => {
  it('/remix redraws an attached picture at its own size', async () => {
    const picture = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3060e0' } })
      .png()
      .toBuffer();
    const sent = await command('remix', {
      image: h.fake.addAttachment(picture, 'blue.png', 'image/png'),
      prompt: 'a yellow square on a blue sky --seed 8',
      strength: 0.9,
    });
    const result = await responseOf(h, sent.id, isResult, 'the remix');
    const state = await h.stack.system.orchestrator.state(jobIdOf(result));
    expect(state?.job.kind).toBe('remix');
    expect(state?.job.inputs.image).toMatchObject({ type: 'platform', platform: 'discord' });
    expect([state?.job.params.width, state?.job.params.height]).toEqual([96, 64]);
    expect(state?.job.params.strength).toBeCloseTo(0.9);
    const png = result.attachments.find((a) => a.filename.endsWith('.png'))!;
    expect(share(await rgbOf(png.bytes), isYellow)).toBeGreaterThan(0.02);
    // fetch-media got the attachment from the CDN (the fake's).
    expect(h.fake.cdnRequests.length).toBeGreaterThan(0);
  }, 60_000);

  it('/remix with a typed address fetches it through the SSRF guard: a private address fails the job, saying why', async () => {
    const sent = await command('remix', {
      image_url: 'http://127.0.0.1:9/picture.png',
      prompt: 'a red circle',
    });
    const failed = await responseOf(h, sent.id, (m) => m.content.startsWith('❌'), 'the failure edit');
    expect(failed.content).toMatch(/image/);
    expect(failed.content).toMatch(/private|loopback|not allowed|public/i);
  }, 60_000);

  it('/queue lists the user’s jobs with their place in line, /cancel cancels one and its message says so', async () => {
    await h.stack.system.queues.gpu.pause();
    try {
      const sent = await command('imagine', { prompt: 'a red circle --seed 1' });
      await responseOf(h, sent.id, (m) => m.content.includes('in line'), 'the queued message');
      const queue = await command('queue', {});
      expect(await ephemeralAnswer(queue.id)).toMatch(/1\. a red circle — #1 in line/);
      const cancel = await command('cancel', {});
      expect(await ephemeralAnswer(cancel.id)).toMatch(/^cancelled `/);
      const cancelled = await responseOf(
        h,
        sent.id,
        (m) => m.content.startsWith('🚫'),
        'the cancelled message',
      );
      expect(cancelled.content).toContain('Cancelled');
      const none = await command('cancel', {});
      expect(await ephemeralAnswer(none.id)).toBe('you have no unfinished jobs to cancel');
    } finally {
      await h.stack.system.queues.gpu.resume();
    }
  }, 60_000);

  it('the cancel button on a queued job is owner-only', async () => {
    await h.stack.system.queues.gpu.pause();
    try {
      const sent = await command('imagine', { prompt: 'a red circle --seed 2' });
      const queued = await responseOf(h, sent.id, (m) => m.content.includes('in line'), 'the queued message');
      const id = /img:x:[^"]+/.exec(JSON.stringify(queued.components))?.[0];
      expect(id).toBeDefined();
      const bob = await h.fake.pressButton({ message: queued.id, customId: id!, user: BOB });
      expect(await ephemeralAnswer(bob.id)).toBe('only the requester can do this');
      const ann = await h.fake.pressButton({ message: queued.id, customId: id!, user: ANN });
      expect(await ephemeralAnswer(ann.id)).toBe('cancelled');
    } finally {
      await h.stack.system.queues.gpu.resume();
    }
  }, 60_000);

  it('/settings me keeps the user’s defaults, used by their next job', async () => {
    const set = await command(
      'settings',
      { steps: '12', size: '64x64', negative: 'night' },
      { subcommand: 'me' },
    );
    expect(await ephemeralAnswer(set.id)).toContain('steps: 12');
    const bad = await command('settings', { cfg: 'lots' }, { subcommand: 'me' });
    expect(await ephemeralAnswer(bad.id)).toContain('guidance');
    const sent = await command('imagine', { prompt: 'a red circle' });
    const result = await responseOf(h, sent.id, isResult, 'the render with user defaults');
    const state = await h.stack.system.orchestrator.state(jobIdOf(result));
    expect(state?.job.params).toMatchObject({ steps: 12, width: 64, height: 64, negativePrompt: 'night' });
    expect(share(await rgbOf(result.attachments[0].bytes), isRed)).toBeGreaterThan(0.02);
    const reset = await command('settings', { scope: 'me' }, { subcommand: 'reset' });
    expect(await ephemeralAnswer(reset.id)).toContain('nothing set');
  }, 60_000);

  it('/animate makes a short clip with the asked motion, frames and fps (videos need the role here)', async () => {
    const options = {
      prompt: 'a red circle on a blue sky --steps 4 --seed 3',
      motion: 'pan-left',
      frames: 4,
      fps: 8,
    };
    const denied = await command('animate', options);
    expect(await ephemeralAnswer(denied.id)).toBe(`videos need the role <@&${PRO_ROLE}>`);
    const sent = await command('animate', options, { roles: [PRO_ROLE] });
    const result = await responseOf(
      h,
      sent.id,
      (m) => m.attachments.some((a) => a.filename.endsWith('.mp4')),
      'the clip',
    );
    const mp4 = result.attachments.find((a) => a.filename.endsWith('.mp4'))!;
    expect(mp4.content_type).toBe('video/mp4');
    expect(mp4.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const field = (name: string) => result.embeds[0]?.fields?.find((f) => f.name === name)?.value;
    expect([field('Frames'), field('FPS'), field('Motion'), field('Seed')]).toEqual([
      '4',
      '8',
      'pan-left',
      '3',
    ]);
    const ids = JSON.stringify(result.components);
    expect(ids).toContain('img:r:');
    expect(ids).not.toContain('img:v:');
    const state = await h.stack.system.orchestrator.state(jobIdOf(result));
    expect(state?.job.kind).toBe('animate');
    expect(state?.job.params.video).toMatchObject({ frames: 4, fps: 8, motion: 'pan-left' });
  }, 90_000);
});
