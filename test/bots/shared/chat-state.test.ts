import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatJobs, type ProgressView, userMessage } from '../../../bots/shared/chat-jobs.ts';
import { ChatSettings, describeDefaults } from '../../../bots/shared/chat-settings.ts';
import { JobMessages } from '../../../bots/shared/job-messages.ts';
import { JobRefusedError, parseConfig } from '../../../core/index.ts';
import { FileArtifactStore } from '../../../queue/artifacts/file-artifact-store.ts';
import { createQueueSystem, type QueueSystem } from '../../../queue/queue-system.ts';
import { deleteKeys } from '../../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../helpers/redis-url.ts';

const prefix = uniquePrefix('chat-state');
let system: QueueSystem;

beforeAll(() => {
  system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix });
});
afterAll(async () => {
  await system.close();
  await deleteKeys(prefix);
});

describe('chat settings in Redis', () => {
  it('keeps, validates and clears per-scope defaults', async () => {
    const settings = new ChatSettings(system.redis, prefix);
    expect(await settings.get('discord:guild:1')).toEqual({});
    await settings.update('discord:guild:1', { prefix: 'watercolor', steps: '12' });
    expect(await settings.get('discord:guild:1')).toEqual({ prefix: 'watercolor', steps: 12 });
    expect(await new ChatSettings(system.redis, prefix).get('discord:guild:2')).toEqual({});
    await expect(settings.update('discord:guild:1', { steps: 0, sampler: 'eulr' })).rejects.toThrow(
      /steps: 0 must be between 1 and 1000; sampler: "eulr" must be one of/,
    );
    await settings.update('discord:guild:1', { prefix: null });
    expect(describeDefaults(await settings.get('discord:guild:1'))).toBe('steps: 12');
    await settings.clear('discord:guild:1');
    expect(describeDefaults(await settings.get('discord:guild:1'))).toMatch(/nothing set/);
  });

  it('maps jobs to messages both ways, for as long as the result is kept', async () => {
    const messages = new JobMessages(system.redis, prefix, 3_600_000);
    await messages.link('job-1', 'telegram:5:77', { chatId: 5 });
    for (const key of [`${prefix}:chat-msg:telegram:5:77`, `${prefix}:chat-job:job-1`]) {
      const ttl = await system.redis.pttl(key);
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
    expect(await messages.jobOf('telegram:5:77')).toBe('job-1');
    expect(await messages.messageOf('job-1')).toEqual({ messageKey: 'telegram:5:77', data: { chatId: '5' } });
    expect(await messages.jobOf('telegram:5:78')).toBeUndefined();
  });
});

describe('watching a job for a progress message', () => {
  it('sends the first update at once, then at most one per interval with the latest view, and stops after the render', async () => {
    const chat = new ChatJobs({
      system,
      artifacts: new FileArtifactStore({ root: '/tmp/unused-chat-artifacts' }),
      config: parseConfig({}),
    });
    const jobId = `watch-${Date.now()}`;
    const seen: { at: number; view: ProgressView }[] = [];
    const watching = chat.watch(jobId, (view) => void seen.push({ at: Date.now(), view }), {
      minIntervalMs: 300,
    });
    await system.events.publish(jobId, { type: 'status', status: 'rendering' });
    await new Promise((r) => setTimeout(r, 100));
    for (let step = 1; step <= 10; step++) {
      await system.events.publish(jobId, { type: 'progress', step, total: 10 });
      await new Promise((r) => setTimeout(r, 40));
    }
    await new Promise((r) => setTimeout(r, 400));
    await system.events.publish(jobId, { type: 'status', status: 'encoding' });
    await system.events.publish(jobId, { type: 'done', outputs: {} });
    await watching.done;
    const count = seen.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThan(6);
    for (let i = 1; i < seen.length; i++) expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(290);
    expect(seen.at(-1)?.view).toMatchObject({ status: 'rendering', step: 10, total: 10 });
    expect(seen.some((s) => s.view.status === 'encoding')).toBe(false);
  });

  it('tells users what to change, and never shows them a stack', () => {
    const logged: string[] = [];
    expect(userMessage(new JobRefusedError('owner_cap', 'you already have 3 jobs'))).toBe(
      'you already have 3 jobs',
    );
    const text = userMessage(new TypeError('x is undefined'), (l) => logged.push(l));
    expect(text).toMatch(/^something went wrong on our side \(reference \w+\)/);
    expect(text).not.toMatch(/TypeError|at /);
    expect(logged[0]).toMatch(/TypeError: x is undefined/);
  });
});
