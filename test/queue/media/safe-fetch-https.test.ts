import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { safeFetch } from '../../../queue/media/safe-fetch.ts';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// A throwaway self-signed certificate: enough to prove the https path connects through our lookup.
describe.skipIf(!opensslAvailable())('safeFetch over https', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'safe-fetch-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('ok'),
    );
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const OPTS = { maxBytes: 1024, timeoutMs: 5000 };

  it('refuses a private https host by name before any connection', async () => {
    const before = connections;
    const err = await safeFetch(`https://localhost:${port}/`, OPTS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe('image URL points to a private address: use a public URL');
    expect(connections).toBe(before);
  });

  it('verifies certificates when it does connect', async () => {
    const err = await safeFetch(`https://localhost:${port}/`, { ...OPTS, allowPrivate: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe(
      'image URL has no valid TLS certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(connections).toBeGreaterThan(0);
  });
});
