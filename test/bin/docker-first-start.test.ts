// The Docker image's documented command, `docker run -p 8080:8080 IMAGE all`, on this machine: the
// real entry point started with the image's ENV settings (read from the Dockerfile) on a fresh data
// directory, twice. It must listen on every address and still not be open to anyone.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltInModels } from '../../models/built-in.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODELS_DIR = path.join(os.tmpdir(), 'imagine-bot-test-models');
const KEY = /ibk_[A-Za-z0-9_-]{43}/g;

/** `ENV A=1 B=2` lines of the Dockerfile. */
function dockerEnv(dockerfile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of dockerfile.split('\n')) {
    const m = /^ENV\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    for (const [, k, v] of m[1].matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g))
      env[k] = v.replace(/^"|"$/g, '');
  }
  return env;
}

/** The Dockerfile's HEALTHCHECK command (after its options) as program and arguments. */
function healthCommand(dockerfile: string): string[] | undefined {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const command = /^HEALTHCHECK\b.*?\bCMD\s+(.+)$/m.exec(joined)?.[1].trim();
  if (command === undefined) return undefined;
  // The exec form is a JSON list; the shell form runs under /bin/sh -c.
  return command.startsWith('[') ? (JSON.parse(command) as string[]) : ['/bin/sh', '-c', command];
}

/** Runs the health check as Docker would, in the image's working directory: resolves when healthy. */
function runHealthCheck(command: string[], env: Record<string, string>) {
  return promisify(execFile)(command[0], command.slice(1), { cwd: ROOT, env, timeout: 30_000 });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  port: number;
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/main.ts', 'all'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${out}`);
      const m = /http: listening on http:\/\/[^\s]*:(\d+)/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    'the server to listen',
    60_000,
  );
  return {
    child,
    output: () => out,
    port,
    env,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the Docker image on its first and second start', () => {
  let dataDir: string;
  let dockerfile: string;
  let env: Record<string, string>;
  const running: Started[] = [];

  beforeAll(async () => {
    await ensureBuiltInModels(MODELS_DIR, () => undefined);
    dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docker-first-start-'));
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k, v]) => v !== undefined && !/^(API_KEYS|REDIS_URL|HOST|PORT|DATA_DIR|CONFIG_FILE|HOOKS)/.test(k),
      ),
    ) as Record<string, string>;
    // The image's settings, with a data directory and port of this test's own; the models are the
    // ones the test suite has built already.
    env = { ...base, ...dockerEnv(dockerfile), DATA_DIR: dataDir, PORT: '0', MODELS_DIR };
  }, 120_000);
  afterAll(async () => {
    for (const r of running) await r.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the image listens on every address and creates its own admin key', () => {
    expect(dockerEnv(dockerfile)).toMatchObject({
      HOST: '0.0.0.0',
      API_KEYS_AUTO: 'true',
      DATA_DIR: '/data',
    });
    expect(healthCommand(dockerfile)).toBeDefined();
  });

  it('first start prints a key once; it works, nothing else does; the second start reads its hash', async () => {
    const first = await startServer(env);
    running.push(first);
    const url = `http://127.0.0.1:${first.port}`;
    const output = first.output();
    expect(output).toContain('http: listening on http://0.0.0.0:');
    const keys = output.match(KEY) ?? [];
    expect(keys).toHaveLength(1);
    const key = keys[0];
    expect(output).toContain(path.join(dataDir, 'admin-key.sha256'));

    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer ibk_wrong' } })).status).toBe(
      401,
    );
    const authorized = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(authorized.status).toBe(200);
    // Only the hash is kept, readable by the server's user alone.
    const stored = await readFile(path.join(dataDir, 'admin-key.sha256'), 'utf8');
    expect(stored).not.toContain(key);
    expect(stored.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path.join(dataDir, 'admin-key.sha256'))).mode & 0o077).toBe(0);

    // The image's HEALTHCHECK command, run as Docker runs it.
    const health = healthCommand(dockerfile)!;
    await expect(runHealthCheck(health, { ...env, PORT: String(first.port) })).resolves.toBeDefined();
    await first.stop();
    await expect(runHealthCheck(health, { ...env, PORT: String(first.port) })).rejects.toThrow();

    const second = await startServer(env);
    running.push(second);
    const again = `http://127.0.0.1:${second.port}`;
    expect(second.output().match(KEY)).toBeNull();
    expect(second.output()).toContain('http: listening on http://0.0.0.0:');
    expect((await fetch(`${again}/v1/models`)).status).toBe(401);
    expect((await fetch(`${again}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(
      200,
    );
    await second.stop();
  }, 120_000);
});
