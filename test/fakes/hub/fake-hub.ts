// A model hub on 127.0.0.1 with the hub's URL shape: GET {repo}/resolve/{revision}/{path} answers
// small files itself and redirects .onnx files (LFS on the real hub) to a storage path, stating
// their sha256 and size on the redirect (X-Linked-Etag, X-Linked-Size) as the hub does. Ranges
// are honoured (206, Content-Range; 416 past the end). It can cut one download mid-way, serve
// wrong bytes for a file, and require a token.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface HubRequest {
  /** The URL path asked for, e.g. /owner/name/resolve/main/unet/model.onnx or /lfs/<sha256>. */
  url: string;
  /** The repository file it was for. */
  file: string;
  range?: string;
  authorization?: string;
}

export interface FakeRepo {
  repo: string;
  revision: string;
  folder: string;
  /** Answer 401 unless the request carries `Authorization: Bearer <token>`. */
  token?: string;
}

interface Served {
  bytes: Buffer;
  sha256: string;
}

export interface FakeHub {
  url: string;
  requests: HubRequest[];
  /** The next download of `file` sends `bytes` bytes and then drops the connection. */
  cutOnce(file: string, bytes: number): void;
  /** Serve `file` with one byte changed (same size; the stated sha256 stays the true one). */
  corrupt(file: string): void;
  /** Serve `file` as it is again. */
  heal(file: string): void;
  close(): Promise<void>;
}

function filesOf(folder: string): Map<string, Served> {
  const files = new Map<string, Served>();
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const bytes = readFileSync(full);
    files.set(path.relative(folder, full).split(path.sep).join('/'), {
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return files;
}

export interface FakeHubOptions {
  /** Where .onnx files are redirected to (another origin, as the hub's storage is); this hub by default. */
  storage?: string;
}

export async function startFakeHub(repos: FakeRepo[], options: FakeHubOptions = {}): Promise<FakeHub> {
  const served = repos.map((r) => ({ ...r, files: filesOf(r.folder) }));
  const bySha = new Map<string, { file: string; served: Served }>();
  for (const r of served) for (const [file, s] of r.files) bySha.set(s.sha256, { file, served: s });
  const requests: HubRequest[] = [];
  const cuts = new Map<string, number>();
  const corrupted = new Set<string>();

  function send(req: IncomingMessage, res: ServerResponse, file: string, s: Served): void {
    const bytes = corrupted.has(file)
      ? Buffer.concat([s.bytes.subarray(0, -1), Buffer.from([s.bytes[s.bytes.length - 1] ^ 0xff])])
      : s.bytes;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
    }
    const body = bytes.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const cut = cuts.get(file);
    if (cut !== undefined && cut < body.length) {
      cuts.delete(file);
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const note = (file: string) =>
      requests.push({
        url: url.pathname,
        file,
        range: req.headers.range,
        authorization: req.headers.authorization,
      });
    const lfs = /^\/lfs\/([0-9a-f]{64})$/.exec(url.pathname);
    if (lfs) {
      const hit = bySha.get(lfs[1]);
      note(hit?.file ?? url.pathname);
      if (!hit) return void res.writeHead(404).end();
      return send(req, res, hit.file, hit.served);
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!resolve) return void res.writeHead(404).end();
    const [, repoName, revision, encodedFile] = resolve;
    const file = encodedFile.split('/').map(decodeURIComponent).join('/');
    note(file);
    const repo = served.find((r) => r.repo === repoName);
    if (!repo) {
      res.writeHead(404, { 'x-error-code': 'RepoNotFound', 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'Repository not found' }));
    }
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401, { 'x-error-code': 'GatedRepo', 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'Access to this repository is restricted.' }));
    }
    const s = revision === repo.revision ? repo.files.get(file) : undefined;
    if (!s) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'Entry not found' }));
    }
    if (file.endsWith('.onnx')) {
      res.writeHead(302, {
        location: `${options.storage ?? ''}/lfs/${s.sha256}`,
        'x-linked-etag': `"${s.sha256}"`,
        'x-linked-size': String(s.bytes.length),
      });
      return void res.end();
    }
    send(req, res, file, s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutOnce: (file, bytes) => cuts.set(file, bytes),
    corrupt: (file) => corrupted.add(file),
    heal: (file) => corrupted.delete(file),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
