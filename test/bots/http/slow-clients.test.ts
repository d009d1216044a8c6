// Slow and vanishing clients: a trickled body or header is cut off by the configured timeouts, the
// connection cap closes connections over it, and an aborted upload is one debug line, not a stack.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config/config.ts';
import { type Harness, startHarness } from './http-harness.ts';

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness({
    name: 'slow-clients',
    env: {
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_MAX_CONNECTIONS: '4',
      LOG_LEVEL: 'debug',
    },
  });
  port = Number(new URL(h.url).port);
});
afterAll(async () => {
  await h?.close();
});

interface Conn {
  socket: net.Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

function connect(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += d.toString('latin1');
    });
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Sends a byte at a time until the server closes the connection. */
function trickle(conn: Conn, text: string): () => void {
  let at = 0;
  const timer = setInterval(() => {
    if (conn.socket.destroyed || at >= text.length) return;
    conn.socket.write(text[at++]);
  }, 100);
  return () => clearInterval(timer);
}

describe('slow clients', () => {
  it('reads the timeouts and the cap from the settings', () => {
    expect(parseConfig({}).http).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      maxConnections: 1000,
    });
    expect(() => parseConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS/);
    expect(() => parseConfig({ HTTP_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });

  it('a body trickled slower than the request timeout is cut off with 408', async () => {
    const conn = await connect();
    conn.socket.write(
      'POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
    );
    const stop = trickle(conn, `{"prompt":"${'a'.repeat(99_000)}`);
    const answer = await conn.closed;
    stop();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('headers trickled slower than the header timeout are cut off with 408', async () => {
    const conn = await connect();
    const stop = trickle(
      conn,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'b'.repeat(500)}\r\n\r\n`,
    );
    const answer = await conn.closed;
    stop();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('connections over the cap are closed at once; a freed slot serves again', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => connect()));
    // The server counts a connection once it has accepted it: make sure all four were.
    for (const c of held) c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await Promise.all(
      held.map((c) => new Promise<void>((resolve) => c.socket.once('data', () => resolve()))),
    );
    const extra = await connect();
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await extra.closed).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await h.fetch('/healthz').then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(status).toBe(200);
  });

  it('an upload aborted midway is one debug line, without a stack', async () => {
    const before = h.logs.length;
    const conn = await connect();
    conn.socket.write(
      'POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n{"prompt":"',
    );
    conn.socket.write('c'.repeat(20_000));
    // Wait until the server is reading the body, then vanish.
    await new Promise((r) => setTimeout(r, 200));
    conn.socket.destroy();
    for (let i = 0; i < 200 && h.logs.length === before; i++) await new Promise((r) => setTimeout(r, 25));
    const lines = h.logs.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^debug: POST \/v1\/jobs: the client closed the connection/);
    expect(lines[0]).not.toContain('\n');
  });
});
