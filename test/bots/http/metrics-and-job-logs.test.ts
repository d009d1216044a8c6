// Observability over a real stack (real Redis, a real renderer on the toy model, real HTTP): GET
// /metrics names the metrics an operator watches and a job moves them, and every log line of a job,
// written as pino JSON, carries the job's id.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, jobIdIn } from '../../../queue/logging/logger.ts';
import { testModels } from '../../helpers/built-in-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { type Harness, startHarness } from './http-harness.ts';

let h: Harness;
const output: string[] = [];
/** A callback receiver that refuses what it is sent (400: not worth a retry), so a delivery fails. */
let receiver: http.Server;
let receiverUrl: string;
let refused = 0;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      refused++;
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  h = await startHarness({
    name: 'observability',
    env: { MODELS_DIR: await testModels(), ALLOW_PRIVATE_URLS: 'true' },
    stack: {
      renderer: true,
      components: true,
      admit: true,
      log: createLogger({ level: 'info', format: 'json', write: (chunk) => output.push(chunk) }),
    },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await new Promise((r) => receiver?.close(r));
});

/** The value of one sample of the scrape, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (!ok) continue;
    found = true;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return found ? total : 0;
}

async function scrape(): Promise<string> {
  const res = await h.fetch('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

async function runJob(body: Record<string, unknown>): Promise<string> {
  const res = await h.json('/v1/jobs', body);
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await waitFor(
    async () => {
      const view = (await (await h.fetch(`/v1/jobs/${id}`)).json()) as { status: string };
      return ['done', 'failed', 'cancelled'].includes(view.status) ? view.status : undefined;
    },
    `job ${id} to end`,
    60_000,
  );
  return id;
}

describe('GET /metrics', () => {
  it('names the metrics, and one job moves them', async () => {
    const before = await scrape();
    for (const name of [
      'imagine_jobs_total',
      'imagine_jobs_in_flight',
      'imagine_queue_depth',
      'imagine_render_seconds',
      'imagine_render_step_seconds',
      'imagine_deliveries_failed_total',
      'imagine_workers',
    ]) {
      expect(before, name).toContain(`# TYPE ${name} `);
    }
    for (const resourceClass of ['io', 'cpu', 'gpu'])
      expect(before).toContain(`imagine_queue_depth{class="${resourceClass}",state="waiting"} 0`);
    expect(sample(before, 'imagine_workers', { device: 'cpu' })).toBe(1);

    const id = await runJob({
      prompt: 'a red circle on a blue sky --seed 4 --steps 6',
      params: { width: 128, height: 128 },
      callbackUrl: receiverUrl,
    });
    // The callback is sent beside the chat reply and the archive; wait until its failure is counted.
    const failed = { component: 'callback', surface: 'http' };
    const after = await waitFor(async () => {
      const text = await scrape();
      const ended = sample(text, 'imagine_jobs_total', { state: 'done', kind: 'imagine' }) > 0;
      return ended && sample(text, 'imagine_deliveries_failed_total', failed) > 0 ? text : undefined;
    }, 'the job and its failed callback to be counted');
    expect(refused).toBe(1);

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('imagine_jobs_total', { state: 'accepted', kind: 'imagine' })).toBe(1);
    expect(moved('imagine_jobs_total', { state: 'done', kind: 'imagine' })).toBe(1);
    expect(moved('imagine_job_seconds_count', { state: 'done', kind: 'imagine' })).toBe(1);
    expect(moved('imagine_render_seconds_count', { model: 'toy', outcome: 'done' })).toBe(1);
    expect(sample(after, 'imagine_render_seconds_sum', { model: 'toy' })).toBeGreaterThan(0);
    // Six steps: five intervals between their progress events.
    expect(moved('imagine_render_step_seconds_count', { model: 'toy' })).toBe(5);
    expect(moved('imagine_deliveries_failed_total', failed)).toBe(1);
    expect(sample(after, 'imagine_jobs_in_flight')).toBe(0);
    expect(output.join('')).toContain(`"jobId":"${id}"`);
  }, 90_000);
});

describe('job logs', () => {
  it('carry the job id on every line of a job, as pino JSON', async () => {
    const start = output.length;
    const id = await runJob({
      prompt: 'a yellow square on the grass --seed 9 --steps 3',
      params: { width: 128, height: 128 },
    });
    await waitFor(
      async () => (output.slice(start).some((l) => l.includes(`${id} done in`)) ? true : undefined),
      'the job to log its end',
    );
    const lines = output
      .slice(start)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; jobId?: string; level: string; time: string });
    const ofJob = lines.filter((l) => l.jobId === id || l.msg.includes(id));
    expect(ofJob.map((l) => l.msg)).toEqual([
      expect.stringMatching(new RegExp(`^job ${id} accepted: imagine for key:`)),
      expect.stringMatching(new RegExp(`^job ${id} started: render on `)),
      expect.stringMatching(new RegExp(`^job ${id} done in \\d+\\.\\d s$`)),
    ]);
    for (const line of ofJob) {
      expect(line.jobId, line.msg).toBe(id);
      expect(line.level).toBe('info');
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    // Nothing else was logged while it ran that lacks an id (no line of this job lost its id).
    expect(lines.filter((l) => !l.jobId)).toEqual([]);
  }, 60_000);

  it('reads the job a plain line names, and takes no word for an id', () => {
    const uuid = '0b5e8a52-2f4b-4a53-9d0c-1f0c2b1a7e11';
    expect(jobIdIn(`job ${uuid} done in 1.0 s`)).toBe(uuid);
    expect(jobIdIn(`discord: result of ${uuid} not delivered: 403`)).toBe(uuid);
    expect(jobIdIn('job abc-1: failed')).toBe('abc-1');
    expect(jobIdIn('job failed: the callback URL did not answer')).toBeUndefined();
    expect(jobIdIn('discord: watching 3 unfinished jobs again')).toBeUndefined();
  });

  it('gives a model load the id of the job that caused it, and drops lines under LOG_LEVEL', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'json', write: (c) => lines.push(c) });
    log('job 0b5e8a52-2f4b-4a53-9d0c-1f0c2b1a7e11 accepted: imagine for key:x');
    log('model toy: OnnxStableDiffusionPipeline on cpu', { jobId: 'abc-123', level: 'warn' });
    log('warning: the VAE encoder samples inside its graph');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: 'warn',
        jobId: 'abc-123',
        msg: 'model toy: OnnxStableDiffusionPipeline on cpu',
      }),
      expect.objectContaining({ level: 'warn', msg: 'warning: the VAE encoder samples inside its graph' }),
    ]);
  });
});

describe('GET /readyz', () => {
  it('is ready with a live renderer that has a model, and says why not for one without', async () => {
    expect(await (await h.fetch('/readyz')).json()).toEqual({ ready: true, redis: 'ok', renderers: 1 });
    const bare = await startHarness({ name: 'ready-no-model' });
    try {
      const beat = {
        device: 'cpu',
        models: [],
        loaded: [],
        maxPixels: 262144,
        busy: false,
        startedAt: Date.now(),
      };
      await bare.stack.registry.heartbeat({ id: 'empty', ...beat });
      const res = await bare.fetch('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        ready: false,
        redis: 'ok',
        renderers: 1,
        reason: 'no live renderer has a model (see MODELS_DIR)',
      });
      await bare.stack.registry.remove('empty');
    } finally {
      await bare.close();
    }
  });
});
