// The small parts of the Telegram surface on their own: flood-limit retries, button data, status text.
import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../../bots/telegram/callback-data.ts';
import { retryAfterOf, withFloodRetry } from '../../../bots/telegram/flood-retry.ts';
import { HELP } from '../../../bots/telegram/help-text.ts';
import { RenderClock, statusText, stepsOfAllFrames } from '../../../bots/telegram/status-text.ts';

const flood = (seconds: number) =>
  new TelegramError({
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    parameters: { retry_after: seconds },
  });

describe('flood-limit retries', () => {
  it('sends again after a 429 and gives the answer of the call that went through', async () => {
    let calls = 0;
    const lines: string[] = [];
    const answer = await withFloodRetry(
      async () => {
        calls++;
        if (calls < 3) throw flood(0);
        return 'sent';
      },
      { method: 'sendMessage', log: (l) => lines.push(l) },
    );
    expect(answer).toBe('sent');
    expect(calls).toBe(3);
    expect(lines).toEqual([
      'telegram: sendMessage hit the flood limit, sending again in 0 s',
      'telegram: sendMessage hit the flood limit, sending again in 0 s',
    ]);
  });

  it('does not retry what sending again cannot fix, and stops when told to', async () => {
    let calls = 0;
    const bad = new TelegramError({ error_code: 400, description: 'Bad Request: chat not found' });
    await expect(
      withFloodRetry(
        async () => {
          calls++;
          throw bad;
        },
        { method: 'sendMessage' },
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
    const stop = new AbortController();
    stop.abort(new Error('stopping'));
    await expect(
      withFloodRetry(async () => Promise.reject(flood(30)), { method: 'x', signal: stop.signal }),
    ).rejects.toThrow('stopping');
    await expect(
      withFloodRetry(async () => Promise.reject(flood(0)), { method: 'x', maxFloodWaits: 2 }),
    ).rejects.toThrow('Too Many Requests');
    expect(retryAfterOf(flood(7))).toBe(7);
    expect(retryAfterOf(bad)).toBeUndefined();
  });
});

describe('button data', () => {
  it('round-trips and stays within Telegram 64 bytes for a job id', () => {
    const jobId = '3f0c6a9e-1d2b-4c5d-8e7f-0123456789ab';
    const data = encodeButton('variation', 3, jobId);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeButton(data)).toEqual({ action: 'variation', index: 3, jobId });
    expect(decodeButton('nonsense')).toBeUndefined();
    expect(() => encodeButton('reroll', 0, 'x'.repeat(70))).toThrow('over 64 bytes');
  });
});

describe('status text', () => {
  it('shows the place in line and the wait, then the bar, the step and the time left', () => {
    expect(statusText({ status: 'received', position: 2, etaMs: 40_000, final: false }, [])).toBe(
      '⏳ queued: 2nd in line, about 40 s',
    );
    const clock = new RenderClock();
    const at = (step: number) => ({ status: 'rendering' as const, step, total: 20, final: false });
    expect(clock.leftMs(at(2), 1000)).toBeUndefined();
    const left = clock.leftMs(at(6), 3000);
    expect(left).toBe(7000);
    expect(statusText(at(6), ['the mask was resized'], left)).toBe(
      '⏳ rendering [██████░░░░░░░░░░░░░░] 30% step 6/20 · about 7 s left\n⚠ the mask was resized',
    );
  });
});

describe('status text of a clip', () => {
  const view = (step: number, frameStep?: number) => ({
    status: 'rendering' as const,
    step,
    total: 4,
    ...(frameStep !== undefined ? { frameStep, frameSteps: 10 } : {}),
    final: false,
  });

  it('counts frames and the steps inside the frame being drawn, the bar over all of them', () => {
    expect(statusText(view(0, 5), [], undefined, true)).toBe(
      '⏳ rendering [███░░░░░░░░░░░░░░░░░] 13% frame 1/4 · step 5/10',
    );
    expect(statusText(view(2), [], undefined, true)).toBe(
      '⏳ rendering [██████████░░░░░░░░░░] 50% frame 2/4 done',
    );
    expect(statusText(view(3, 10), [], undefined, true)).toBe(
      '⏳ rendering [████████████████████] 100% frame 4/4 · step 10/10',
    );
    // Before the first step a clip reads like a picture.
    expect(statusText({ status: 'rendering', final: false }, [], undefined, true)).toBe(
      '⏳ starting the render…',
    );
  });

  it('estimates the time left from steps of all frames, so it moves inside a frame', () => {
    const clock = new RenderClock();
    expect(stepsOfAllFrames(view(1, 5))).toMatchObject({ step: 15, total: 40 });
    expect(clock.leftMs(stepsOfAllFrames(view(0, 5)), 0)).toBeUndefined();
    expect(clock.leftMs(stepsOfAllFrames(view(1, 5)), 1000)).toBe(2500);
  });
});

describe('help', () => {
  it('tells how to ask for a clip, from a photo too, and the video flags', () => {
    expect(HELP).toContain('/animate a boat at sea --motion zoom-in --frames 16 --fps 8');
    expect(HELP).toContain('the same caption on a photo, or as a reply to a picture, animates that picture');
    expect(HELP).toMatch(/Video flags \(\/animate\): --frames N, --fps N, --motion zoom-in/);
    expect(HELP.length).toBeLessThanOrEqual(4096);
  });
});
