// `npm start -- --once` as a new user runs it: no REDIS_URL (so it starts its own redis-server on a
// free port, never the 6379 the tests use), its own data and out folders, any free HTTP port. It must
// end with the sample picture in out/, rendered through the queue, and exit 0.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSteps } from '../../bin/quickstart.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { cornerShare, isBlue, isRed, rgbOf, share } from '../helpers/picture.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let dir: string;
let modelsDir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'quickstart-'));
  modelsDir = await testModels();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  output: string;
}

/** Runs `npm start -- ARGS` to its exit (bounded: a start that hangs fails the test). */
function npmStart(args: string[], env: Record<string, string>): Promise<Run> {
  const full: NodeJS.ProcessEnv = { ...process.env, MODELS_DIR: modelsDir, PORT: '0', ...env };
  for (const name of ['REDIS_URL', 'API_KEYS', 'API_KEYS_AUTO', 'CONFIG_FILE', 'HOOKS', 'HOOKS_FILE'])
    delete full[name];
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not exit within 90 s; output:\n${output}`));
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start -- --once', () => {
  it('starts its own Redis, renders the sample through the queue into out/, prints the next steps and exits 0', async () => {
    const dataDir = path.join(dir, 'data');
    const outDir = path.join(dir, 'out');
    const run = await npmStart(['--once'], { DATA_DIR: dataDir, OUT_DIR: outDir });
    expect(run.code, run.output).toBe(0);

    const redisPort = /redis: started redis-server at redis:\/\/127\.0\.0\.1:(\d+) \(data in (.+)\)/.exec(
      run.output,
    );
    expect(redisPort, run.output).not.toBeNull();
    expect(redisPort?.[1]).not.toBe('6379');
    expect(redisPort?.[2]).toBe(path.join(dataDir, 'redis'));

    // Through the queue: the job was accepted by the orchestrator and rendered by the worker.
    const jobId = /job (\S+) accepted: imagine for key:quickstart/.exec(run.output)?.[1];
    expect(jobId, run.output).toBeDefined();
    expect(run.output).toContain(`job ${jobId} started: render on `);
    expect(run.output).toMatch(new RegExp(`job ${jobId} done in `));

    const files = await readdir(outDir);
    expect(files).toEqual([`sample-${jobId}.png`]);
    expect(run.output).toContain(`rendered through the queue to ${path.join(outDir, files[0])}`);
    // The sample prompt is "a red circle on a blue sky": red in the middle, sky in the corners.
    const picture = await rgbOf(await readFile(path.join(outDir, files[0])));
    expect(picture.width).toBe(256);
    const third = Math.round(picture.width / 3);
    const middle = { x0: third, y0: third, x1: 2 * third, y1: 2 * third };
    expect(share(picture, isRed, middle)).toBeGreaterThan(0.5);
    expect(cornerShare(picture, isBlue)).toBeGreaterThan(0.9);

    const url = /open (http:\/\/127\.0\.0\.1:\d+)\/ in a browser/.exec(run.output)?.[1];
    expect(url, run.output).toBeDefined();
    expect(run.output).toContain(`curl -s ${url}/v1/jobs -H 'content-type: application/json' -d '{"prompt":`);
    expect(run.output).toContain('Discord: set DISCORD_TOKEN and DISCORD_APPLICATION_ID');
    expect(run.output).toContain('Telegram: set TELEGRAM_BOT_TOKEN');
    expect(run.output).toContain('stopped: redis');
    expect(run.output).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);

  it('tells how to install redis-server when it is missing', async () => {
    const run = await npmStart(['--once'], {
      DATA_DIR: path.join(dir, 'missing'),
      OUT_DIR: path.join(dir, 'missing-out'),
      REDIS_SERVER_BIN: 'no-such-redis-server',
    });
    expect(run.code).toBe(2);
    expect(run.output).toContain(
      'cannot start: no-such-redis-server was not found on PATH: install Redis 7 or set REDIS_URL ' +
        '(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)',
    );
    expect(run.output).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('tells a busy PORT in one line, before starting Redis', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await npmStart(['--once'], { DATA_DIR: path.join(dir, 'busy'), PORT: String(port) });
      expect(run.code).toBe(2);
      expect(run.output).toContain(
        `cannot start: PORT: ${port} is in use on 127.0.0.1 by another program: stop it, or set PORT to a free port`,
      );
      expect(run.output).not.toContain('redis: started');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('refuses an unknown option with the ones it takes', async () => {
    const run = await npmStart(['--twice'], { DATA_DIR: path.join(dir, 'unknown') });
    expect(run.code).toBe(2);
    expect(run.output).toContain('unknown option "--twice": use --quickstart or --once');
  }, 60_000);
});

describe('the next steps', () => {
  it('put the key header in the curl example when the API asks for a key', () => {
    const open = nextSteps('http://127.0.0.1:8080', 'out/s.png', {}).join('\n');
    expect(open).toContain("curl -s http://127.0.0.1:8080/v1/jobs -H 'content-type: application/json'");
    for (const env of [{ API_KEYS: 'me:abc' }, { API_KEYS_AUTO: 'true' }]) {
      const keyed = nextSteps('http://127.0.0.1:8080', 'out/s.png', env).join('\n');
      expect(keyed).toContain(
        "/v1/jobs -H 'authorization: Bearer YOUR_API_KEY' -H 'content-type: application/json'",
      );
    }
    // Without HTTP there is no page or curl to tell, but the bots' settings still are.
    const noHttp = nextSteps(undefined, 'out/s.png', {});
    expect(noHttp.join('\n')).not.toContain('curl');
    expect(noHttp.at(-1)).toContain('TELEGRAM_BOT_TOKEN');
  });
});
