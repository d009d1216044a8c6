// The job message while it waits and renders: what it says and shows for each stage.
import { describe, expect, it } from 'vitest';
import { progressMessage } from '../../../bots/discord/messages/progress-message.ts';
import { createJob } from '../../../core/index.ts';

const job = createJob({
  kind: 'imagine',
  owner: 'discord:1',
  origin: { surface: 'discord', applicationId: '1', channelId: '2' },
  params: { prompt: 'a red circle', seed: 1 },
});

describe('the progress message', () => {
  it('shows the place in line and the wait, with a cancel button and no picture', () => {
    const m = progressMessage(job, { status: 'received', position: 2, etaMs: 40_000, final: false });
    expect(m.content).toBe('**a red circle**\nqueued: 2nd in line, about 40 s');
    expect(m.files).toEqual([]);
    expect(JSON.stringify(m.components)).toContain(`img:x:${job.id}:0`);
  });

  it('shows a bar with step x/N and the latest preview as an attachment the embed displays', () => {
    const preview = Buffer.from('jpeg bytes');
    const m = progressMessage(
      job,
      { status: 'rendering', step: 10, total: 20, preview: 'p', final: false },
      preview,
    );
    expect(m.content).toContain('rendering [██████████░░░░░░░░░░] 50% step 10/20');
    expect(m.files).toEqual([{ name: 'preview.jpg', data: preview, contentType: 'image/jpeg' }]);
    expect(m.embeds?.[0]?.image?.url).toBe('attachment://preview.jpg');
  });

  it('counts frames for an animation', () => {
    const clip = createJob({
      kind: 'animate',
      owner: 'discord:1',
      origin: { surface: 'discord', applicationId: '1', channelId: '2' },
      params: { prompt: 'a red circle', video: { frames: 4 } },
    });
    const m = progressMessage(clip, { status: 'rendering', step: 2, total: 4, final: false });
    expect(m.content).toContain('50% frame 2/4');
  });
});
