// Mistakes in how a service is started are told in one line that says what to change, with a non-zero
// exit code and no stack trace: a busy port (found before Redis or a renderer is started) and a public
// HOST without API keys.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModels } from '../helpers/built-in-models.ts';

let dir: string;
let modelsDir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'start-errors-'));
  modelsDir = await testModels();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `tsx bin/main.ts all` and waits for it to exit (bounded: a start that hangs fails the test). */
function start(env: Record<string, string>): Promise<Run> {
  const full: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, MODELS_DIR: modelsDir, ...env };
  for (const name of ['REDIS_URL', 'API_KEYS', 'API_KEYS_AUTO', 'CONFIG_FILE', 'HOOKS', 'HOOKS_FILE'])
    delete full[name];
  const child = spawn('node_modules/.bin/tsx', ['bin/main.ts', 'all'], {
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function oneLine(run: Run): string {
  expect(run.code, `${run.stdout}\n${run.stderr}`).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/^\s+at |Error:|node:internal/m);
  return lines[0];
}

describe('starting with a setting that cannot work', () => {
  it('a busy port: one line naming PORT, before Redis or a renderer is started', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const run = await start({ HOST: '127.0.0.1', PORT: String(port) });
      const line = oneLine(run);
      expect(line).toContain(`PORT: ${port}`);
      expect(line).toContain('is in use');
      expect(line).toContain('set PORT to a free port');
      expect(run.stdout).not.toContain('redis:');
      expect(run.stdout).not.toContain('renderer');
    } finally {
      busy.close();
    }
  }, 60_000);

  it('a public HOST without API keys: one line saying to set API_KEYS or HOST', async () => {
    const run = await start({ HOST: '0.0.0.0', PORT: '0' });
    const line = oneLine(run);
    expect(line).toContain('0.0.0.0');
    expect(line).toContain('API_KEYS');
    expect(line).toContain('HOST=127.0.0.1');
  }, 60_000);
});
