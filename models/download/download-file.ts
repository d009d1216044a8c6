// Downloads one hub file into `<target>.part`, resuming with an HTTP Range where a part is left
// (from an earlier run or a connection that dropped), then checks its size and sha256 and only
// then renames it into place. A file that does not match is refused and removed.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Hub, resolveUrl } from './hub-endpoint.ts';
import { HubError } from './hub-error.ts';
import { hubGet } from './hub-request.ts';

export interface HubFile {
  repo: string;
  revision: string;
  path: string;
  size: number | null;
  sha256: string | null;
}

export interface DownloadEvents {
  /** A request is answered; `resumedFrom` > 0 when it continues a part. */
  start?(info: { total?: number; resumedFrom: number }): void;
  progress?(received: number): void;
  /** The connection dropped; the next request resumes at `at`. */
  retry?(info: { at: number; reason: string }): void;
}

export type CheckedAgainst = 'registry' | 'hub' | 'none';

export interface Downloaded {
  size: number;
  sha256: string;
  /** Where the sha256 the file was held to came from: the registry, the hub's header, or nowhere. */
  checkedAgainst: CheckedAgainst;
}

const ATTEMPTS = 4;
/** A connection that sends nothing for this long is dropped and the download resumed. */
const IDLE_MS = 60_000;

async function sizeOnDisk(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function totalOf(response: Response, start: number): number | undefined {
  if (response.status === 206) {
    const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
    return total === undefined ? undefined : Number(total);
  }
  const length = response.headers.get('content-length');
  return length && /^\d+$/.test(length) ? Number(length) + start : undefined;
}

function refusal(file: HubFile, url: string, status: number, token: string | undefined): HubError {
  const where = `${file.repo} at revision ${file.revision}`;
  if (status === 401 || status === 403) {
    const fix = token
      ? 'the hub refused HF_TOKEN for this repository: check that the token may read it (gated models need their terms accepted on the hub)'
      : 'the repository needs an access token: set HF_TOKEN to a hub token that may read it';
    return new HubError(`HTTP ${status} from the hub for ${file.path} of ${where} (${url}): ${fix}`, status);
  }
  if (status === 404) {
    return new HubError(
      `HTTP 404 from the hub: ${where} has no ${file.path} (${url}); check the registry entry's repo, revision and files`,
      status,
    );
  }
  return new HubError(`HTTP ${status} from the hub for ${file.path} of ${where} (${url})`, status);
}

function mismatch(file: HubFile, what: string): HubError {
  return new HubError(`${file.path}: ${what}; the download was refused and removed (pull again to retry)`);
}

export async function downloadFile(
  hub: Hub,
  file: HubFile,
  target: string,
  events: DownloadEvents = {},
): Promise<Downloaded> {
  const url = resolveUrl(hub, file.repo, file.revision, file.path);
  const part = `${target}.part`;
  await mkdir(path.dirname(target), { recursive: true });
  let lastProblem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const start = await sizeOnDisk(part);
    const idle = new AbortController();
    let idleTimer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
    const stillAlive = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
    };
    try {
      let answer: Awaited<ReturnType<typeof hubGet>>;
      try {
        answer = await hubGet(url, hub.token, start, idle.signal);
      } catch (err) {
        if (err instanceof HubError) throw err;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        lastProblem = `cannot reach the hub at ${hub.endpoint} (${cause?.code ?? cause?.message ?? (err as Error).message})`;
        events.retry?.({ at: start, reason: lastProblem });
        await new Promise((r) => setTimeout(r, 250 * attempt));
        continue;
      }
      const { response } = answer;
      const continues = response.headers.get('content-range')?.startsWith(`bytes ${start}-`) ?? false;
      if (response.status === 416 || (start > 0 && (response.status === 200 || !continues))) {
        // The part is not a prefix the hub can continue (a changed file, or a server without
        // ranges): start over.
        await response.body?.cancel();
        await rm(part, { force: true });
        if (response.status === 416) continue;
        attempt--;
        continue;
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        if (response.status >= 500) {
          lastProblem = `HTTP ${response.status} from the hub for ${file.path}`;
          events.retry?.({ at: start, reason: lastProblem });
          await new Promise((r) => setTimeout(r, 250 * attempt));
          continue;
        }
        throw refusal(file, url, response.status, hub.token);
      }
      const total = totalOf(response, start) ?? answer.linkedSize ?? file.size ?? undefined;
      if (file.size !== null && total !== undefined && total !== file.size) {
        await response.body?.cancel();
        await rm(part, { force: true });
        throw mismatch(file, `the hub serves ${total} bytes, the registry says ${file.size}`);
      }
      events.start?.({ total, resumedFrom: start });
      let received = start;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          stillAlive();
          events.progress?.(received);
          done(null, chunk);
        },
      });
      try {
        if (!response.body) throw new Error('empty answer');
        await pipeline(
          Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
          counter,
          createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }),
        );
        if (total !== undefined && received < total)
          throw new Error(`ended after ${received} of ${total} bytes`);
      } catch (err) {
        lastProblem = `the download of ${file.path} was interrupted (${(err as Error).message})`;
        events.retry?.({ at: await sizeOnDisk(part), reason: lastProblem });
        await new Promise((r) => setTimeout(r, 250 * attempt));
        continue;
      }
      return await accept(file, part, target, answer.linkedSha256);
    } finally {
      clearTimeout(idleTimer);
    }
  }
  const kept = await sizeOnDisk(part);
  throw new HubError(
    `${lastProblem}; gave up after ${ATTEMPTS} attempts${kept > 0 ? ` (${kept} bytes kept: pull again to resume)` : ''}`,
  );
}

/** Holds the finished part to the known size and sha256, then moves it into place. */
async function accept(
  file: HubFile,
  part: string,
  target: string,
  hubSha256: string | undefined,
): Promise<Downloaded> {
  const size = await sizeOnDisk(part);
  const sha256 = await sha256OfFile(part);
  const refuse = async (what: string) => {
    await rm(part, { force: true });
    return mismatch(file, what);
  };
  if (file.size !== null && size !== file.size)
    throw await refuse(`${size} bytes, the registry says ${file.size}`);
  const expected = file.sha256 ?? hubSha256;
  if (expected !== undefined && sha256 !== expected) {
    throw await refuse(
      `sha256 ${sha256} does not match ${file.sha256 ? "the registry's" : "the hub's"} ${expected}`,
    );
  }
  await rename(part, target);
  return { size, sha256, checkedAgainst: file.sha256 ? 'registry' : hubSha256 ? 'hub' : 'none' };
}
