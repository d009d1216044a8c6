import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { safeFetch } from '../../../queue/media/safe-fetch.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const MB = 1024 * 1024;
let png: Buffer;
let server: LocalServer;
/** Closed when each request on /slow-* ends, so tests can see the fetch hung up. */
const closed: string[] = [];

beforeAll(async () => {
  png = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#3080c0' } })
    .png()
    .toBuffer();
  server = await startLocalServer((req, res) => {
    const path = req.url ?? '/';
    res.on('close', () => closed.push(path));
    if (path === '/picture.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
    } else if (path.startsWith('/hop/')) {
      // /hop/N redirects N more times, through every redirect status, then serves the picture.
      const left = Number(path.slice('/hop/'.length));
      const status = [301, 302, 303, 307, 308][left % 5];
      res.writeHead(status, { location: left > 1 ? `/hop/${left - 1}` : '/picture.png' });
      res.end();
    } else if (path.startsWith('/to?')) {
      res.writeHead(302, { location: new URLSearchParams(path.slice(4)).get('url') ?? '/' });
      res.end();
    } else if (path === '/declared-too-big') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 20 * MB });
      res.write(png);
    } else if (path === '/endless') {
      // Chunked, no length: only counting while reading can stop it.
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        if (!res.destroyed && res.write(chunk)) setImmediate(pump);
        else if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'image/png' });
      const timer = setInterval(() => res.write(Buffer.from([0])), 50);
      res.on('close', () => clearInterval(timer));
    } else if (path === '/slow-headers') {
      // Never answers.
    } else if (path === '/missing') {
      res.writeHead(404);
      res.end('no such picture');
    } else {
      res.writeHead(500);
      res.end();
    }
  });
});

afterAll(() => server.close());

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

const LOCAL = { maxBytes: 10 * MB, timeoutMs: 15_000, allowPrivate: true };

describe('safeFetch', () => {
  it('fetches a picture', async () => {
    const got = await safeFetch(`${server.origin}/picture.png`, LOCAL);
    expect(got.bytes.equals(png)).toBe(true);
    expect(got.contentType).toBe('image/png');
    expect(got.finalUrl).toBe(`${server.origin}/picture.png`);
  });

  it('follows redirects of every kind, relative locations included', async () => {
    const got = await safeFetch(`${server.origin}/hop/3`, LOCAL);
    expect(got.bytes.equals(png)).toBe(true);
    expect(got.finalUrl).toBe(`${server.origin}/picture.png`);
  });

  it('stops after maxRedirects', async () => {
    const err = await refusal(safeFetch(`${server.origin}/hop/4`, { ...LOCAL, maxRedirects: 3 }));
    expect(err.message).toBe('image URL redirected more than 3 times');
    const ok = await safeFetch(`${server.origin}/hop/2`, { ...LOCAL, maxRedirects: 2 });
    expect(ok.bytes.equals(png)).toBe(true);
  });

  it('reports the HTTP status of a failed answer', async () => {
    const err = await refusal(safeFetch(`${server.origin}/missing`, LOCAL));
    expect(err.message).toBe('image URL answered HTTP 404');
    expect(err.problems[0].field).toBe('image');
  });

  it('refuses a body whose Content-Length is over the limit, before reading it', async () => {
    const err = await refusal(safeFetch(`${server.origin}/declared-too-big`, LOCAL));
    expect(err.message).toBe('image is larger than 10 MB');
  });

  it('stops reading a body that grows past the limit and hangs up', async () => {
    const err = await refusal(safeFetch(`${server.origin}/endless`, { ...LOCAL, maxBytes: MB }));
    expect(err.message).toBe('image is larger than 1 MB');
    await expect.poll(() => closed.includes('/endless')).toBe(true);
  });

  it('gives up on a body that dribbles in past the deadline', async () => {
    const err = await refusal(safeFetch(`${server.origin}/slow-body`, { ...LOCAL, timeoutMs: 400 }));
    expect(err.message).toBe('image URL did not answer within 0.4 s');
    await expect.poll(() => closed.includes('/slow-body')).toBe(true);
  });

  it('gives up on a server that never answers', async () => {
    const err = await refusal(safeFetch(`${server.origin}/slow-headers`, { ...LOCAL, timeoutMs: 300 }));
    expect(err.message).toBe('image URL did not answer within 0.3 s');
  });

  it('words the default timeout in whole seconds', async () => {
    const err = await refusal(safeFetch(`${server.origin}/slow-headers`, { ...LOCAL, timeoutMs: 1000 }));
    expect(err.message).toBe('image URL did not answer within 1 s');
  });

  it('says when nothing listens', async () => {
    const gone = await startLocalServer(() => {});
    await gone.close();
    const err = await refusal(safeFetch(`${gone.origin}/`, LOCAL));
    expect(err.message).toBe('image URL refused the connection');
  });

  it('refuses options that make no sense, as a programming error', async () => {
    await expect(safeFetch(`${server.origin}/picture.png`, { ...LOCAL, maxBytes: 0 })).rejects.toThrow(
      'safeFetch: maxBytes must be an integer >= 1',
    );
    await expect(safeFetch(`${server.origin}/picture.png`, { ...LOCAL, maxRedirects: -1 })).rejects.toThrow(
      /maxRedirects/,
    );
  });

  it('files errors under the field it is given', async () => {
    const err = await refusal(safeFetch(`${server.origin}/missing`, { ...LOCAL, field: 'mask' }));
    expect(err.message).toBe('mask URL answered HTTP 404');
  });
});

describe('safeFetch address policy', () => {
  const PUBLIC_ONLY = { maxBytes: 10 * MB, timeoutMs: 5000 };

  it.each([
    ['loopback by address', (port: number) => `http://127.0.0.1:${port}/picture.png`],
    ['loopback by name', (port: number) => `http://localhost:${port}/picture.png`],
    ['decimal IPv4', (port: number) => `http://2130706433:${port}/picture.png`],
    ['hex IPv4', (port: number) => `http://0x7f.1:${port}/picture.png`],
    ['octal IPv4', (port: number) => `http://0177.0.0.1:${port}/picture.png`],
    ['IPv4-mapped IPv6', (port: number) => `http://[::ffff:127.0.0.1]:${port}/picture.png`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/picture.png`],
    ['unspecified', (port: number) => `http://0.0.0.0:${port}/picture.png`],
  ])('refuses %s and sends nothing', async (_name, url) => {
    const before = server.hits.length;
    const err = await refusal(safeFetch(url(server.port), PUBLIC_ONLY));
    expect(err.message).toBe('image URL points to a private address: use a public URL');
    expect(server.hits.length).toBe(before);
  });

  it('refuses a redirect to a private address, by address and by name', async () => {
    const firstHopOnly = (_url: URL, hop: number) => hop === 0;
    for (const target of [
      `http://127.0.0.1:${server.port}/picture.png`,
      `http://localhost:${server.port}/picture.png`,
      `http://[::ffff:7f00:1]:${server.port}/picture.png`,
    ]) {
      const start = server.hits.length;
      const url = `${server.origin}/to?url=${encodeURIComponent(target)}`;
      const err = await refusal(safeFetch(url, { ...PUBLIC_ONLY, allowPrivate: firstHopOnly }));
      expect(err.message).toBe('image URL points to a private address: use a public URL');
      // The first hop was served; the private second hop never reached the server.
      expect(server.hits.slice(start)).toEqual([`/to?url=${encodeURIComponent(target)}`]);
    }
    // The same redirect is followed when every hop may be private, so the refusal above was the hop check.
    const url = `${server.origin}/to?url=${encodeURIComponent(`http://localhost:${server.port}/picture.png`)}`;
    expect((await safeFetch(url, { ...PUBLIC_ONLY, allowPrivate: true })).bytes.equals(png)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'ftp://example.com/a.png',
    'gopher://example.com/',
    'data:image/png;base64,AAAA',
  ])('refuses the scheme of %s', async (url) => {
    const err = await refusal(safeFetch(url, PUBLIC_ONLY));
    expect(err.message).toBe('image URL must start with http:// or https://');
  });

  it('refuses a redirect to another scheme', async () => {
    const url = `${server.origin}/to?url=${encodeURIComponent('file:///etc/passwd')}`;
    const err = await refusal(safeFetch(url, { ...PUBLIC_ONLY, allowPrivate: true }));
    expect(err.message).toBe('image URL must start with http:// or https://');
  });

  it('refuses text that is not a URL', async () => {
    const err = await refusal(safeFetch('not a url', PUBLIC_ONLY));
    expect(err.message).toBe('image URL is not valid');
  });
});
