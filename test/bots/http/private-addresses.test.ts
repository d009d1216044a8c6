// Private addresses are refused as soon as they can be checked: image URLs at submit (400), hook
// destinations at start (naming the hook). ALLOW_PRIVATE_URLS=true lets a developer use their own
// machine, said loudly at start, and the README's receiver verifies a real signed callback.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../bots/http/create-http-app.ts';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { type HookConfig, parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { PRIVATE_URLS_WARNING, startHttpServer } from '../../../bots/http/server.ts';
import { parseConfig } from '../../../core/config/config.ts';
import { freePort } from '../../../queue/redis/free-port.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { startLocalServer } from '../../queue/media/local-server.ts';
import { bodyOf, CALLBACK_SECRET, type Harness, type HarnessOptions, startHarness } from './http-harness.ts';

const HOOK_SECRET = 'hook-secret-private-0123';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function harness(name: string, options: Omit<HarnessOptions, 'name'>): Promise<Harness> {
  const h = await startHarness({ ...options, name });
  cleanups.push(() => h.close());
  return h;
}

function hooksTo(url: string): HookConfig[] {
  return parseHookConfigs(
    [
      {
        name: 'local-dev',
        secret: HOOK_SECRET,
        template: { prompt: '{{title}}' },
        destination: { type: 'callback', url },
      },
    ],
    { callbackSecret: CALLBACK_SECRET },
  );
}

describe('private addresses refused early', () => {
  it('an image or mask URL on a private address is a 400 at submit, naming the field', async () => {
    const h = await harness('private-submit', { deps: { allowPrivateCallbacks: false } });
    for (const [field, url] of [
      ['image', 'http://127.0.0.1:9/in.png'],
      ['image', 'http://localhost:9/in.png'],
      ['image', 'http://[::1]:9/in.png'],
      ['image', 'http://10.0.0.7/in.png'],
      ['mask', 'http://169.254.169.254/latest/meta-data'],
    ]) {
      const body =
        field === 'mask'
          ? { prompt: 'a fox', image: 'https://pictures.invalid/in.png', mask: url }
          : { prompt: 'a fox', image: url };
      const res = await h.json('/v1/jobs', body);
      const answer = await bodyOf(res);
      expect(res.status, `${url}: ${JSON.stringify(answer)}`).toBe(400);
      expect(answer.error.problems).toContainEqual({
        field,
        value: url,
        problem: 'URL points to a private address: use a public URL',
      });
    }
    expect(await h.stack.system.redis.zcard(h.stack.system.orchestrator.keys.active)).toBe(0);
  });

  it('a hook whose destination is on loopback stops the start, naming the hook', async () => {
    const h = await harness('private-hook-start', {});
    for (const url of ['http://127.0.0.1:9/done', 'http://localhost:9/done']) {
      const start = startHttpServer(h.config, {
        system: h.stack.system,
        artifacts: h.stack.artifacts,
        registry: h.stack.registry,
        apiKeys: [],
        hooks: hooksTo(url),
        limits: {},
        log: () => undefined,
      });
      await expect(start).rejects.toThrow(
        `invalid hooks: hook local-dev destination: "${url}" URL points to a private address: use a public URL (or set ALLOW_PRIVATE_URLS=true for local development)`,
      );
    }
  });

  it('a destination refused at call time names the hook, not callbackUrl, and the sender may retry', async () => {
    const h = await harness('private-hook-call', {});
    // Built without the start-time check, as if the destination's DNS changed after the start.
    const app = createHttpApp({
      config: h.config,
      system: h.stack.system,
      artifacts: h.stack.artifacts,
      registry: h.stack.registry,
      apiKeys: [],
      hooks: hooksTo('http://127.0.0.1:9/done'),
      allowPrivateCallbacks: false,
      log: () => undefined,
    });
    const body = JSON.stringify({ title: 'a lighthouse' });
    const headers = {
      'content-type': 'application/json',
      ...signHookBody(HOOK_SECRET, body, Math.floor(Date.now() / 1000)),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await app.request('/hooks/local-dev', { method: 'POST', headers, body });
      const answer = await bodyOf(res);
      expect(res.status).toBe(503);
      expect(answer.error.message).toContain('the hook local-dev cannot deliver');
      expect(JSON.stringify(answer)).not.toContain('callbackUrl');
    }
  });
});

describe('ALLOW_PRIVATE_URLS=true', () => {
  it('is off by default and must be true or false', () => {
    expect(parseConfig({}).allowPrivateUrls).toBe(false);
    expect(parseConfig({ ALLOW_PRIVATE_URLS: 'true' }).allowPrivateUrls).toBe(true);
    expect(() => parseConfig({ ALLOW_PRIVATE_URLS: 'maybe' })).toThrow(
      /ALLOW_PRIVATE_URLS: "maybe" must be true or false/,
    );
  });

  it('says so loudly at start, and lets callbacks, image URLs and hooks use loopback', async () => {
    const picture = await startLocalServer((_req, res) => res.writeHead(404).end());
    cleanups.push(() => picture.close());
    const h = await harness('private-allowed', {
      env: { ALLOW_PRIVATE_URLS: 'true' },
      deps: { allowPrivateCallbacks: undefined, hooks: hooksTo('http://127.0.0.1:9/done') },
    });
    expect(h.logs).toContain(PRIVATE_URLS_WARNING);
    expect(PRIVATE_URLS_WARNING).toMatch(/^WARNING: ALLOW_PRIVATE_URLS=true/);
    const res = await h.json('/v1/jobs', {
      prompt: 'a fox',
      image: `${picture.origin}/in.png`,
      callbackUrl: 'http://localhost:9/done',
    });
    expect(res.status).toBe(202);
  });

  it("the README's receiver verifies the signed callback of a job on this machine", async () => {
    const readme = await readFile(path.join(import.meta.dirname, '../../../README.md'), 'utf8');
    const code = /```js\n(\/\/ receiver\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'the README shows receiver.mjs').toBeDefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'receiver-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'receiver.mjs'), code!);
    const port = await freePort();
    let output = '';
    const child: ChildProcess = spawn(process.execPath, ['receiver.mjs'], {
      cwd: dir,
      env: { ...process.env, CALLBACK_SECRET, RECEIVER_PORT: String(port) },
    });
    cleanups.push(async () => {
      child.kill();
    });
    child.stdout?.on('data', (d) => {
      output += String(d);
    });
    await waitFor(async () => (output.includes('listening') ? true : undefined), 'the receiver to listen');

    // A picture URL on this machine that answers 404: the job fails in fetch-media and says so.
    const picture = await startLocalServer((_req, res) => res.writeHead(404).end());
    cleanups.push(() => picture.close());
    const h = await harness('private-receiver', {
      env: { ALLOW_PRIVATE_URLS: 'true' },
      stack: { components: true },
      deps: { allowPrivateCallbacks: undefined },
    });
    const res = await h.json('/v1/jobs', {
      prompt: 'a fox',
      image: `${picture.origin}/in.png`,
      callbackUrl: `http://127.0.0.1:${port}/done`,
    });
    expect(res.status).toBe(202);
    const { id } = await bodyOf(res);
    const line = await waitFor(
      async () => output.split('\n').find((l) => l.startsWith('verified job.failed')),
      'the verified callback',
      30_000,
    );
    expect(JSON.parse(line.slice('verified job.failed '.length))).toMatchObject({
      type: 'job.failed',
      jobId: id,
      error: { message: expect.stringContaining('404') },
    });
    expect(output).not.toContain('refused');
  });
});
