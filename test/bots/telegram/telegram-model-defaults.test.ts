// Per-model defaults on a chat surface: /imagine on the tiny SDXL model with no size draws at its
// natural 256x256 (the server's default here is 128x128) and --ar 16:9 fits that area; the Turbo-like
// model runs its own 1 step at CFG 0. The caption tells the size and settings really used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultsModels, TINY_XL_PRESENT } from '../../helpers/defaults-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { nextPhoto } from './bot-calls.ts';
import { startTelegramHarness, type TelegramHarness } from './telegram-harness.ts';

let h: TelegramHarness;

beforeAll(async () => {
  if (!TINY_XL_PRESENT) return;
  h = await startTelegramHarness({
    name: 'model-defaults',
    // The harness's small DEFAULT_WIDTH/HEIGHT/STEPS unset: set, they would hold for every model.
    env: { MODELS_DIR: await defaultsModels(), DEFAULT_WIDTH: '', DEFAULT_HEIGHT: '', DEFAULT_STEPS: '' },
  });
  await waitFor(
    async () =>
      (await h.stack.registry.live()).some((w) => w.modelDefaults?.['tiny-xl']) ? true : undefined,
    'the renderer heartbeat with its models',
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(!TINY_XL_PRESENT)('the Telegram bot on models with their own defaults', () => {
  it('draws an SDXL model at its natural size, and --ar over its area', async () => {
    const { fake } = h;
    const alice = fake.user(2001, 'Alice');
    const chat = fake.privateChat(alice);
    await fake.sendText(
      chat,
      alice,
      '/imagine a red circle on a blue sky --model tiny-xl --steps 2 --seed 4',
    );
    const plain = await nextPhoto(fake, chat, 0);
    expect([plain.rgb.width, plain.rgb.height]).toEqual([256, 256]);
    expect(plain.caption).toMatch(/2 steps · cfg 7\.5 · 256x256 · tiny-xl/);
    await fake.sendText(chat, alice, '/imagine a red circle --model tiny-xl --steps 2 --ar 16:9');
    const wide = await nextPhoto(fake, chat, 1);
    expect([wide.rgb.width, wide.rgb.height]).toEqual([336, 192]);
    expect(wide.caption).toContain('336x192 · tiny-xl');
  });

  it('runs a Turbo-like model at its own steps and CFG', async () => {
    const { fake } = h;
    const bob = fake.user(2002, 'Bob');
    const chat = fake.privateChat(bob);
    await fake.sendText(chat, bob, '/imagine a red circle --model toy-turbo --size 64x64');
    const turbo = await nextPhoto(fake, chat, 0);
    expect(turbo.caption).toMatch(/euler_a · 1 steps · cfg 0 · 64x64 · toy-turbo/);
  });
});
