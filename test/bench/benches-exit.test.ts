// Benches end by themselves: `npm run bench -- NAME` exits 0 right after the bench's last line, so a
// script that runs it goes on; a bench that leaves something open or runs past its time limit is
// told so and exits 1. Real benches run here with small sizes (BENCH_N), as child processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../helpers/redis-url.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'benches-exit-'));
// The fake benches below are ES modules (top-level await), as the real ones are.
writeFileSync(path.join(scratch, 'package.json'), '{ "type": "module" }\n');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
}

function runBench(bench: string, env: Record<string, string> = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', bench], {
      cwd: root,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.trimEnd().split('\n');
      resolve({ code, stdout, stderr, lastLine: lines[lines.length - 1] });
    });
  });
}

function fakeBench(name: string, source: string): string {
  const file = path.join(scratch, `${name}.ts`);
  writeFileSync(file, source);
  return file;
}

describe('npm run bench', () => {
  it('exits 0 after the last line of a bench that closes what it opened', async () => {
    const file = fakeBench(
      'tidy',
      "console.log('working');\nawait new Promise((r) => setTimeout(r, 50));\nconsole.log('tidy / nothing = 1.00');\n",
    );
    const ended = await runBench(file);
    expect(ended.stderr).toBe('');
    expect(ended.code).toBe(0);
    expect(ended.lastLine).toBe('tidy / nothing = 1.00');
  });

  it('names what a finished bench left open, and exits 1', async () => {
    const file = fakeBench(
      'leaky',
      "import net from 'node:net';\nnet.createServer().listen(0, '127.0.0.1');\nconsole.log('leaky = 1');\n",
    );
    const ended = await runBench(file);
    expect(ended.code).toBe(1);
    expect(ended.lastLine).toBe('leaky = 1');
    expect(ended.stderr).toContain('bench leaky: finished but the process is still running 5 s later');
    expect(ended.stderr).toMatch(/a server listening on 127\.0\.0\.1:\d+/);
  });

  it('stops a bench that runs past its time limit, and exits 1', async () => {
    const file = fakeBench('endless', 'setInterval(() => {}, 1000);\nawait new Promise(() => {});\n');
    const ended = await runBench(file, { BENCH_TIME_LIMIT_S: '1' });
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('bench endless: did not finish within its time limit of 1 s');
    expect(ended.stderr).toContain('1 Timeout');
  });

  it('refuses a time limit that is not a positive number', async () => {
    const ended = await runBench(fakeBench('any', "console.log('x');\n"), { BENCH_TIME_LIMIT_S: 'soon' });
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain('BENCH_TIME_LIMIT_S must be a positive number of seconds, got "soon"');
  });

  it('queue: closes its Redis connections and workers, and exits 0 after its ratio', async () => {
    const ended = await runBench('queue', { BENCH_N: '5' });
    expect(ended.stderr).not.toContain('still running');
    expect(ended.code).toBe(0);
    expect(ended.lastLine).toMatch(/^per-hop p50 \/ raw BullMQ p50 = \d+\.\d\d /);
  });

  it('http: closes its server, stack and load thread, and exits 0 after its figures', async () => {
    const ended = await runBench('http', { BENCH_N: '20', BENCH_SECONDS: '1' });
    expect(ended.stderr).not.toContain('still running');
    expect(ended.code).toBe(0);
    expect(ended.lastLine).toMatch(
      /^http: submit p50 [\d.]+ ms p99 [\d.]+ ms one at a time; \d+ submissions\/s/,
    );
  });

  it('render-overhead: releases its sessions and exits 0 after its ratio', async () => {
    const ended = await runBench('render-overhead', {
      BENCH_N: '1',
      BENCH_MODELS_DIR: path.join(scratch, 'models'),
    });
    expect(ended.stderr).not.toContain('still running');
    expect(ended.code).toBe(0);
    expect(ended.lastLine).toMatch(/^wall \/ session\.run = \d\.\d{3}$/);
  });

  it('batching: closes both render threads and exits 0 after its ratio', async () => {
    const ended = await runBench('batching', {
      BENCH_SIZE: '64',
      BENCH_STEPS: '2',
      BENCH_ROUNDS: '1',
      BENCH_MODELS_DIR: path.join(scratch, 'models'),
    });
    expect(ended.stderr).not.toContain('still running');
    expect(ended.code).toBe(0);
    expect(ended.lastLine).toMatch(/^batched \/ one by one = \d+\.\d{3} \(images per second\)$/);
  });
});
