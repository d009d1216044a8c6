import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';
import {
  connectRedis,
  type EmbeddedRedis,
  resolveRedis,
  startEmbeddedRedis,
} from '../../queue/redis/index.ts';

let dataDir: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'redis-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(options: { port?: number } = {}): Promise<EmbeddedRedis> {
  const server = await startEmbeddedRedis({ dataDir, ...options });
  cleanups.push(() => server.stop());
  return server;
}

function connect(url: string): Redis {
  const redis = connectRedis(url);
  cleanups.push(() => redis.quit().catch(() => undefined));
  return redis;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('embedded redis', () => {
  it('starts on a free 127.0.0.1 port, answers, and stops cleanly', async () => {
    const server = await start();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    const redis = connect(server.url);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'save')).toEqual(['save', '']);
    expect(await redis.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
    await redis.quit();

    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
    expect(await canConnect(server.port)).toBe(false);
    // A second stop is harmless.
    await server.stop();
  });

  it('keeps data across a restart over the same data dir', async () => {
    const first = await start();
    const a = connect(first.url);
    await a.set('job:1', 'queued');
    await a.rpush('list', 'x', 'y');
    await a.quit();
    await first.stop();
    expect(existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);

    const second = await start();
    const b = connect(second.url);
    expect(await b.get('job:1')).toBe('queued');
    expect(await b.lrange('list', 0, -1)).toEqual(['x', 'y']);
  });

  it('starts afresh over another data dir', async () => {
    const first = await start();
    const a = connect(first.url);
    await a.set('k', 'v');
    await first.stop();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'redis-other-'));
    cleanups.push(async () => rmSync(elsewhere, { recursive: true, force: true }));
    const other = await startEmbeddedRedis({ dataDir: elsewhere });
    cleanups.push(() => other.stop());
    expect(await connect(other.url).get('k')).toBeNull();
  });

  it('uses a given port, and says so when it is taken', async () => {
    const server = await start();
    await server.stop();
    const fixed = await start({ port: server.port });
    expect(fixed.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await connect(fixed.url).ping()).toBe('PONG');
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'redis-other-'));
    cleanups.push(async () => rmSync(elsewhere, { recursive: true, force: true }));
    await expect(startEmbeddedRedis({ dataDir: elsewhere, port: server.port })).rejects.toThrow(
      `port ${server.port} of 127.0.0.1 is taken: choose another port or leave it unset`,
    );
  });

  it('names the missing binary and what to do', async () => {
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'no-bin-'));
    const savedPath = process.env.PATH;
    process.env.PATH = emptyDir;
    try {
      await expect(startEmbeddedRedis({ dataDir })).rejects.toThrow(
        /^redis-server was not found on PATH: install Redis 7 or set REDIS_URL$/,
      );
    } finally {
      process.env.PATH = savedPath;
      rmSync(emptyDir, { recursive: true, force: true });
    }
    await expect(startEmbeddedRedis({ dataDir, bin: path.join(dataDir, 'redis-server') })).rejects.toThrow(
      `${path.join(dataDir, 'redis-server')} does not exist: install Redis 7, fix REDIS_SERVER_BIN or set REDIS_URL`,
    );
  });

  it('reports a server that stops during start with its own words', async () => {
    // `false` exits at once with status 1 and says nothing.
    await expect(startEmbeddedRedis({ dataDir, bin: 'false' })).rejects.toThrow(
      'false stopped during start (exit code 1): no output',
    );
  });
});

describe('redis connections', () => {
  it('are accepted by a BullMQ worker, which a default client is not', async () => {
    const server = await start();
    const queue = new Queue('conn-test', { connection: connect(server.url) });
    cleanups.push(() => queue.close());
    const worker = new Worker('conn-test', async (job) => job.data.n * 2, {
      connection: connect(server.url),
    });
    cleanups.push(() => worker.close());
    const done = new Promise((resolve) => worker.once('completed', (_job, result) => resolve(result)));
    await queue.add('double', { n: 21 });
    expect(await done).toBe(42);

    const plain = new Redis(server.url, { lazyConnect: true });
    cleanups.push(async () => plain.disconnect());
    expect(() => new Worker('conn-test', async () => 0, { connection: plain })).toThrow(
      /maxRetriesPerRequest must be null/,
    );
  });
});

describe('resolveRedis', () => {
  it('uses REDIS_URL when set, without starting anything', async () => {
    const resolved = await resolveRedis(
      parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATA_DIR: dataDir }),
    );
    expect(resolved.url).toBe('redis://127.0.0.1:6379');
    expect(resolved.embedded).toBeUndefined();
    await resolved.stop();
    expect(existsSync(path.join(dataDir, 'redis'))).toBe(false);
  });

  it('starts the embedded server when REDIS_URL is unset', async () => {
    const resolved = await resolveRedis(parseConfig({ DATA_DIR: dataDir }));
    cleanups.push(() => resolved.stop());
    expect(resolved.embedded?.dir).toBe(path.join(dataDir, 'redis'));
    expect(await connect(resolved.url).ping()).toBe('PONG');
    await resolved.stop();
    expect(isAlive(resolved.embedded!.pid)).toBe(false);
  });

  it('refuses to start without REDIS_URL when the embedded server is turned off', async () => {
    const err = await resolveRedis(parseConfig({ DATA_DIR: dataDir, EMBEDDED_REDIS: 'false' })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'invalid configuration: REDIS_URL is not set and EMBEDDED_REDIS is false: ' +
        'set REDIS_URL (e.g. redis://127.0.0.1:6379) or EMBEDDED_REDIS=true',
    );
  });

  it('passes REDIS_SERVER_BIN on', async () => {
    const err = await resolveRedis(
      parseConfig({ DATA_DIR: dataDir, REDIS_SERVER_BIN: 'no-such-redis-7' }),
    ).catch((e) => e);
    expect(err.message).toBe('no-such-redis-7 was not found on PATH: install Redis 7 or set REDIS_URL');
  });
});
