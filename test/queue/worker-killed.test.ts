import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueueSystem, type QueueSystem } from '../../queue/queue-system.ts';
import { testJob } from '../helpers/job-factory.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis-url.ts';
import { renderFlow } from '../helpers/test-flows.ts';
import { waitFor } from '../helpers/wait-for.ts';

const children: ChildProcess[] = [];
let system: QueueSystem | undefined;
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.length = 0;
  await system?.close();
});

function startWorkerProcess(
  prefix: string,
  mode: 'hang' | 'finish',
  presence = false,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/render-worker-process.ts'], {
    env: {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      PREFIX: prefix,
      MODE: mode,
      PRESENCE: presence ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

describe('a renderer killed mid-job', () => {
  it('leaves the job to another renderer, which completes it exactly once', async () => {
    const prefix = uniquePrefix('kill');
    system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix, flowFor: renderFlow });
    let deliveries = 0;
    await system.startWorkers(
      {
        'reply-chat': async (ctx) => {
          await ctx.once(async () => {
            deliveries++;
          });
        },
      },
      ['io'],
    );
    const doomed = await startWorkerProcess(prefix, 'hang');
    const job = testJob('discord:77');
    await system.orchestrator.submit(job);
    await waitFor(
      async () => ((await system!.redis.get(`${prefix}:render-starts`)) === '1' ? true : undefined),
      'first render to start',
    );
    doomed.kill('SIGKILL');
    await new Promise((r) => doomed.once('exit', r));

    const rescuer = await startWorkerProcess(prefix, 'finish');
    const state = await waitFor(
      async () => {
        const s = await system!.orchestrator.state(job.id);
        return s?.status === 'done' ? s : undefined;
      },
      'the job to finish on the second renderer',
      30_000,
    );
    expect(state.outputs.render).toEqual({ renderedBy: rescuer.pid });
    expect(await system.redis.get(`${prefix}:render-starts`)).toBe('2');
    // Give any duplicate a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(deliveries).toBe(1);
    expect(state.components.map((c) => c.state)).toEqual(['succeeded', 'succeeded']);
  }, 60_000);

  it('is handed on as soon as its heartbeat stops, long before the BullMQ lock expires', async () => {
    // Real renderer settings: BullMQ's 30 s lock and stall check; only the registry's heartbeat can
    // hand the job on within the wait below.
    const prefix = uniquePrefix('kill-beat');
    system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix, flowFor: renderFlow });
    await system.startWorkers({ 'reply-chat': async () => undefined }, ['io']);
    const doomed = await startWorkerProcess(prefix, 'hang', true);
    const job = testJob('discord:78');
    await system.orchestrator.submit(job);
    await waitFor(
      async () => ((await system!.redis.get(`${prefix}:render-starts`)) === '1' ? true : undefined),
      'first render to start',
    );
    const rescuer = await startWorkerProcess(prefix, 'finish', true);
    doomed.kill('SIGKILL');
    await new Promise((r) => doomed.once('exit', r));
    // Under the old behaviour (lock expiry plus stall check) this takes about 40 s.
    const state = await waitFor(
      async () => {
        const s = await system!.orchestrator.state(job.id);
        return s?.status === 'done' ? s : undefined;
      },
      'the job to be re-run by the second renderer',
      15_000,
    );
    expect(state.outputs.render).toEqual({ renderedBy: rescuer.pid });
    expect(await system.redis.get(`${prefix}:render-starts`)).toBe('2');
  }, 60_000);

  it('is not handed on while its renderer keeps beating, however long the render takes', async () => {
    const prefix = uniquePrefix('kill-live');
    system = createQueueSystem({ redisUrl: TEST_REDIS_URL, prefix, flowFor: renderFlow });
    const busy = await startWorkerProcess(prefix, 'hang', true);
    await system.orchestrator.submit(testJob('discord:79'));
    await waitFor(
      async () => ((await system!.redis.get(`${prefix}:render-starts`)) === '1' ? true : undefined),
      'the render to start',
    );
    await startWorkerProcess(prefix, 'finish', true);
    // Longer than the pulse a stopped renderer is given (4 s), with a watch in both processes.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await system.redis.get(`${prefix}:render-starts`)).toBe('1');
    expect(busy.exitCode).toBeNull();
  }, 60_000);
});
