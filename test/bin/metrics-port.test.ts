// METRICS_PORT: a renderer serves no HTTP, yet Prometheus can scrape it; a busy METRICS_PORT is told
// in one line naming that setting.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../helpers/built-in-models.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let modelsDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'metrics-port-'));
  modelsDir = await testModels();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function startRenderer(env: Record<string, string>) {
  const full: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, MODELS_DIR: modelsDir, ...env };
  for (const name of ['REDIS_URL', 'CONFIG_FILE', 'API_KEYS']) delete full[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/main.ts', 'renderer'], {
    cwd: ROOT,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('METRICS_PORT', () => {
  it('makes a renderer answer GET /metrics, and only that', async () => {
    const r = startRenderer({ METRICS_PORT: '0' });
    const url = await waitFor(
      async () => /metrics: serving GET \/metrics at (http:\/\/\S+)/.exec(r.output())?.[1],
      'the metrics server',
      60_000,
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE imagine_render_seconds histogram');
    expect(text).toContain('# TYPE imagine_render_step_seconds histogram');
    const other = await fetch(url.replace('/metrics', '/v1/jobs'));
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('only GET /metrics is served here\n');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  }, 90_000);

  it('tells a busy METRICS_PORT in one line naming it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = startRenderer({ METRICS_PORT: String(port), HOST: '127.0.0.1' });
      expect(await r.exited).toBe(2);
      expect(r.output()).toContain(
        `cannot start: METRICS_PORT: ${port} is in use on 127.0.0.1 by another program: stop it, or set METRICS_PORT to a free port`,
      );
      expect(r.output()).not.toMatch(/\n\s+at /);
      expect(r.output()).not.toContain('redis: started'); // told before anything started
    } finally {
      taken.close();
    }
  }, 90_000);
});
