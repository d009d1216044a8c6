// Ctrl-C on `npm start` mid-render: the process stops its parts in order and exits, with no reconnect
// loop against the embedded Redis; a second Ctrl-C exits at once. The child runs in a process group
// of its own and the signal goes to the whole group, as a terminal's Ctrl-C does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testModels } from '../helpers/built-in-models.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  dataDir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];
const dirs: string[] = [];
const frozen: number[] = [];
afterEach(async () => {
  for (const pid of frozen.splice(0)) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const s of started) {
    try {
      process.kill(-(s.child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started.length = 0;
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs.length = 0;
});

async function startAll(dataDir?: string): Promise<Started> {
  if (!dataDir) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'shutdown-'));
    dirs.push(dataDir);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    MODELS_DIR: await testModels(),
    PORT: '0',
    HOST: '127.0.0.1',
  };
  delete env.REDIS_URL;
  delete env.CONFIG_FILE;
  delete env.API_KEYS;
  // What `npm start` runs.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/main.ts', 'all'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const s: Started = { child, url: '', output: () => text, exited, dataDir };
  started.push(s);
  s.url = await waitFor(
    async () => /http: listening on (http:\/\/\S+?);/.exec(text)?.[1],
    `the server to listen (output so far: ${text})`,
    60_000,
  );
  return s;
}

/** Submits a 100-step job and waits until its render has begun. */
async function renderUnderWay(s: Started): Promise<string> {
  const res = await fetch(`${s.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a red circle on a blue sky --steps 100 --seed 3' }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await waitFor(
    async () => {
      const view = (await (await fetch(`${s.url}/v1/jobs/${id}`)).json()) as {
        progress?: { step: number; total: number };
      };
      const step = view.progress?.step ?? 0;
      return step >= 1 && step < 100 ? true : undefined;
    },
    'the render to be under way',
    60_000,
  );
  return id;
}

/** The pid of the embedded redis-server the child started (its port is in the child's output). */
async function embeddedRedisPid(s: Started): Promise<number> {
  const port = /redis: started redis-server at redis:\/\/127\.0\.0\.1:(\d+)/.exec(s.output())?.[1];
  if (!port) throw new Error(`no embedded Redis in the output:\n${s.output()}`);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('redis-server') && (cmdline.includes(`:${port}`) || cmdline.includes(`\0${port}\0`)))
      return Number(entry);
  }
  throw new Error(`no redis-server on port ${port}`);
}

/** Waits for the exit, bounded: a process that does not exit within `ms` fails the test. */
async function exitWithin(s: Started, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running ${ms} ms after the signal; output:\n${s.output()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([s.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Ctrl-C on the all role during a render', () => {
  it('stops surfaces, workers, then Redis, and exits within 10 s with no reconnect loop', async () => {
    const s = await startAll();
    const id = await renderUnderWay(s);
    process.kill(-(s.child.pid as number), 'SIGINT');
    const exit = await exitWithin(s, 10_000);
    const out = s.output();
    expect(exit.code).toBe(0);
    expect(out).toContain('SIGINT: stopping');
    expect(out).not.toContain('ECONNREFUSED');
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
    // In order: the HTTP server, the workers, the embedded Redis last.
    const at = (line: string) => out.indexOf(line);
    expect(at('stopped: http')).toBeGreaterThan(at('SIGINT: stopping'));
    expect(at('stopped: workers')).toBeGreaterThan(at('stopped: http'));
    expect(at('stopped: redis')).toBeGreaterThan(at('stopped: workers'));

    // The interrupted render went back to its queue: the next start finishes it.
    const again = await startAll(s.dataDir);
    const done = await waitFor(
      async () => {
        const view = (await (await fetch(`${again.url}/v1/jobs/${id}`)).json()) as { status: string };
        return view.status === 'done' || view.status === 'failed' ? view : undefined;
      },
      'the job to finish after the restart',
      60_000,
    );
    expect(done.status).toBe('done');
  }, 180_000);

  it('exits at once on a second Ctrl-C while the stop is stuck', async () => {
    const s = await startAll();
    await renderUnderWay(s);
    // A Redis that does not answer holds the workers' stop until its deadline.
    const redisPid = await embeddedRedisPid(s);
    process.kill(redisPid, 'SIGSTOP');
    frozen.push(redisPid);
    process.kill(-(s.child.pid as number), 'SIGINT');
    await waitFor(async () => (s.output().includes('SIGINT: stopping') ? true : undefined), 'stopping');
    // A person's second Ctrl-C, not the same keypress delivered twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.output()).not.toContain('stopped: workers');
    process.kill(-(s.child.pid as number), 'SIGINT');
    const exit = await exitWithin(s, 10_000);
    expect(exit.signal ?? exit.code, s.output()).toBe('SIGINT');
    expect(s.output()).toContain('second signal: exiting now');
    expect(s.output()).not.toContain('ECONNREFUSED');
  }, 120_000);
});
