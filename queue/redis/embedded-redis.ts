// A redis-server of our own for a single-machine setup: bound to 127.0.0.1 on a free port, with
// an append-only file under DATA_DIR so queued jobs survive a restart.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { probeRedis } from './probe.ts';
import { stopWithParent } from './stop-with-parent.ts';

export interface EmbeddedRedisOptions {
  /** The redis-server binary: a name looked up on PATH, or a path. */
  bin?: string;
  /** The append-only file goes to `<dataDir>/redis`, unless `dir` names the folder itself. */
  dataDir: string;
  dir?: string;
  /** A fixed port; without one a free port is chosen. */
  port?: number;
  /** How long to wait until it accepts commands; loading a large append-only file takes a while. */
  startTimeoutMs?: number;
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** Where the server keeps its files. */
  dir: string;
  pid: number;
  /** Resolves when the server process ends, however it ends. */
  exited: Promise<void>;
  /** Asks the server to shut down (it flushes the append-only file) and waits for it. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;
const OUTPUT_LINES = 20;

/** A port taken between choosing it and the server binding it; worth another try. */
class PortTakenError extends Error {}

/** redis-server is not installed (or not where REDIS_SERVER_BIN says): the start tells how to get it. */
export class RedisServerMissingError extends Error {}

export function missingBinaryMessage(bin: string): string {
  return bin.includes('/') || bin.includes('\\')
    ? `${bin} does not exist: install Redis 7, fix REDIS_SERVER_BIN or set REDIS_URL`
    : `${bin} was not found on PATH: install Redis 7 or set REDIS_URL`;
}

export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const bin = options.bin ?? 'redis-server';
  const dir = path.resolve(options.dir ?? path.join(options.dataDir, 'redis'));
  await mkdir(dir, { recursive: true });
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(HOST));
    try {
      return await launch(bin, dir, port, options.startTimeoutMs ?? 30_000);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= attempts) throw err;
    }
  }
}

function launch(bin: string, dir: string, port: number, startTimeoutMs: number): Promise<EmbeddedRedis> {
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    // No RDB snapshots: the append-only file alone is the durable copy.
    '--save',
    '',
    '--appendonly',
    'yes',
    // Every write reaches the disk before it is acknowledged: an accepted job survives a crash.
    '--appendfsync',
    'always',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  // A process group of its own: a terminal's Ctrl-C reaches only us, and we stop the server last,
  // after the workers that still use it (see bin/roles.ts).
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Always drained: a full pipe would block the server on its next log line.
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - OUTPUT_LINES));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code ?? err.message;
      fail(
        err.code === 'ENOENT'
          ? new RedisServerMissingError(missingBinaryMessage(bin))
          : new Error(`${bin} could not be started (${why}): install Redis 7 or set REDIS_URL`),
      );
    });
    child.once('exit', (code, signal) => {
      // Wait for the last output so the message says why it stopped.
      void exited.then(() => {
        const tail = output.join('\n');
        if (/address already in use/i.test(tail)) {
          fail(new PortTakenError(`port ${port} of ${HOST} is taken: choose another port or leave it unset`));
          return;
        }
        const how = signal ?? `exit code ${code}`;
        fail(new Error(`${bin} stopped during start (${how}): ${tail || 'no output'}`));
      });
    });

    const deadline = Date.now() + startTimeoutMs;
    const poll = async () => {
      while (!settled) {
        if ((await probeRedis(HOST, port, 1000)) === child.pid) {
          if (settled) return;
          settled = true;
          resolve(running(child, port, dir, exited));
          return;
        }
        if (Date.now() > deadline) {
          const hint = 'a wrapper script must exec redis-server';
          fail(new Error(`${bin} was not ready on ${HOST}:${port} within ${startTimeoutMs} ms (${hint})`));
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    child.once('spawn', () => void poll());
  });
}

function running(child: ChildProcess, port: number, dir: string, exited: Promise<void>): EmbeddedRedis {
  // A server we started must not outlive us, even when nobody calls stop().
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const unwatch = stopWithParent(child.pid!);
  void exited.then(() => {
    process.off('exit', killOnExit);
    unwatch();
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(force);
      }
      await exited;
    })();
    return stopping;
  };
  return { url: `redis://${HOST}:${port}`, port, dir, pid: child.pid!, exited, stop };
}
