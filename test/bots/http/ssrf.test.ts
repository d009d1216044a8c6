import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.ts';
import { type LocalServer, startLocalServer } from '../../queue/media/local-server.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';
import { bombPng, pngOf } from './pictures.ts';

// Picture URLs go through the real fetch-media component with private addresses refused. Only two
// local servers are let through, and only as the tests say: the redirector on its first hop (its
// redirect to loopback must still be refused) and the server of the decompression bomb.
let pictures: LocalServer;
let redirector: LocalServer;
let bombs: LocalServer;
let h: Harness;

beforeAll(async () => {
  const png = await pngOf(64, 64);
  const bomb = await bombPng();
  pictures = await startLocalServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(png),
  );
  redirector = await startLocalServer((_req, res) =>
    res.writeHead(302, { location: `${pictures.origin}/pic.png` }).end(),
  );
  bombs = await startLocalServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(bomb),
  );
  const allowPrivate = (url: URL, hop: number) =>
    (hop === 0 && url.port === String(redirector.port)) || url.port === String(bombs.port);
  h = await startHarness({
    name: 'ssrf',
    stack: { components: true, services: { fetch: { maxBytes: 5 << 20, timeoutMs: 5000, allowPrivate } } },
  });
});
afterAll(async () => {
  await h?.close();
  await Promise.all([pictures?.close(), redirector?.close(), bombs?.close()]);
});

async function finalJob(image: string) {
  const res = await h.json('/v1/jobs', { prompt: 'repaint it', image, params: { width: 64, height: 64 } });
  expect(res.status).toBe(202);
  const { id } = await bodyOf(res);
  return waitFor(async () => {
    const job = await bodyOf(h.fetch(`/v1/jobs/${id}`));
    return ['done', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, `job ${id} to end`);
}

describe('picture URLs cannot reach inside the network', () => {
  const privateUrls = () => [
    `http://127.0.0.1:${pictures.port}/pic.png`,
    'http://10.0.0.1/pic.png',
    'http://169.254.169.254/latest/meta-data/',
    `http://[::1]:${pictures.port}/pic.png`,
    `http://[::ffff:127.0.0.1]:${pictures.port}/pic.png`,
    `http://localhost:${pictures.port}/pic.png`,
    `${redirector.origin}/redirect`,
  ];

  it('every private target ends failed with the reason, and nothing private is contacted', async () => {
    const jobs = await Promise.all(privateUrls().map((url) => finalJob(url)));
    for (const job of jobs) {
      expect(job.status).toBe('failed');
      expect(job.error.code).toBe('invalid_input');
      expect(job.error.message).toContain('points to a private address: use a public URL');
      expect(job.components).toContainEqual({ name: 'fetch-media', state: 'failed' });
      expect(job.components).toContainEqual({ name: 'render', state: 'pending' });
    }
    expect(pictures.hits).toEqual([]);
    // The redirector was asked (first hop allowed); the hop to loopback it pointed at was refused.
    expect(redirector.hits).toEqual(['/redirect']);
  });

  it('a decompression bomb behind a URL is refused when decoded, with the reason', async () => {
    const job = await finalJob(`${bombs.origin}/bomb.png`);
    expect(bombs.hits.length).toBeGreaterThan(0);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('8000x8000') });
  });
});
