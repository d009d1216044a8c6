import { describe, expect, it } from 'vitest';
import { buildChatRequest } from '../../../bots/shared/chat-request.ts';
import { followUpRequest, VARIATION_STRENGTH } from '../../../bots/shared/follow-ups.ts';
import { progressBar, progressText } from '../../../bots/shared/progress-text.ts';
import { promptWithFlags, resultLines } from '../../../bots/shared/result-text.ts';
import { createJob, parseConfig, ValidationError } from '../../../core/index.ts';

const config = parseConfig({});
const origin = { surface: 'telegram' as const, chatId: 5 };
const base = { kind: 'imagine' as const, owner: 'telegram:5', origin, config };

describe('a chat message becomes a job request', () => {
  it('reads the flags, and a flag wins over a typed option', () => {
    const { request } = buildChatRequest({
      ...base,
      text: 'a red circle --seed 7 --ar 16:9 --steps 12',
      options: { steps: 30, sampler: 'ddim' },
    });
    expect(request.params).toMatchObject({
      prompt: 'a red circle',
      seed: 7,
      width: 680,
      height: 384,
      steps: 12,
      sampler: 'ddim',
    });
    expect(createJob(request).params.seed).toBe(7);
  });

  it("adds the scope's prefix, suffix and negative prompt around the user's, and says what it added", () => {
    const { request, added } = buildChatRequest({
      ...base,
      text: 'a fox --no blur',
      scopeDefaults: { prefix: 'watercolor', suffix: 'soft light', negativePrompt: 'text', steps: 9 },
      userDefaults: { steps: 11, model: 'toy' },
    });
    expect(request.params).toMatchObject({
      prompt: 'watercolor, a fox, soft light',
      negativePrompt: 'text, blur',
      steps: 11,
      model: 'toy',
    });
    expect(added).toEqual({ prefix: 'watercolor', suffix: 'soft light', negativePrompt: 'text' });
  });

  it('names every bad flag by what the user typed', () => {
    let error: unknown;
    try {
      buildChatRequest({ ...base, text: 'a fox --sed 7' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/--sed is not a known flag \(did you mean --seed\?\)/);
  });

  it('refuses an empty prompt even when the scope adds a prefix', () => {
    expect(() => buildChatRequest({ ...base, text: '--seed 3', scopeDefaults: { prefix: 'x' } })).toThrow(
      /prompt is empty: describe what to draw/,
    );
  });
});

describe('what a result says and its buttons', () => {
  const job = createJob({
    kind: 'imagine',
    owner: 'discord:1',
    origin: { surface: 'discord', applicationId: '1', channelId: '2' },
    params: { prompt: 'watercolor, a fox', negativePrompt: 'text, blur', seed: 42, steps: 12, count: 2 },
  });

  it('lists the prompt, negative prompt and the parameters that reproduce it', () => {
    const lines = resultLines(job, { prefix: 'watercolor', negativePrompt: 'text' });
    expect(lines[0]).toBe('prompt: watercolor, a fox');
    expect(lines[1]).toBe('negative: text, blur');
    expect(lines[2]).toBe('seed 42 · euler_a · 12 steps · cfg 7.5 · 512x512 · toy');
    expect(lines[3]).toMatch(/added by this chat's settings: prefix "watercolor", negative "text"/);
  });

  it('gives back the prompt and flags without what the settings add', () => {
    expect(promptWithFlags(job, { prefix: 'watercolor', negativePrompt: 'text' })).toBe(
      'a fox --size 512x512 --steps 12 --cfg 7.5 --sampler euler_a --model toy --n 2 --no blur',
    );
  });

  it('rerolls with a new seed, varies and upscales one picture', () => {
    const reroll = createJob(followUpRequest(job, 'reroll', 0, 'art1', 'discord:1', job.origin));
    expect(reroll.kind).toBe('imagine');
    expect(reroll.params.prompt).toBe(job.params.prompt);
    expect(reroll.params.count).toBe(2);
    const variation = createJob(followUpRequest(job, 'variation', 1, 'art2', 'discord:1', job.origin));
    expect(variation).toMatchObject({
      kind: 'variation',
      inputs: { image: { type: 'artifact', id: 'art2' } },
      parent: { jobId: job.id, index: 1 },
      params: { strength: VARIATION_STRENGTH, count: 1 },
    });
    const upscale = createJob(followUpRequest(job, 'upscale', 0, 'art1', 'discord:1', job.origin));
    expect(upscale).toMatchObject({ kind: 'upscale', params: { count: 1 } });
  });

  it('draws progress as a bar and a place in line', () => {
    expect(progressBar(5, 10, 10)).toBe('[█████░░░░░] 50%');
    expect(progressText({ status: 'rendering', step: 7, total: 20, final: false })).toMatch(/step 7\/20$/);
    expect(progressText({ status: 'rendering', position: 2, etaMs: 40_000, final: false })).toBe(
      'queued: 2nd in line, about 40 s',
    );
  });
});
