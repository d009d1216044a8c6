import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { artifactsRoot, FileArtifactStore } from '../../queue/artifacts/index.ts';

let dataDir: string;
let root: string;
let clock: number;
let store: FileArtifactStore;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'artifacts-'));
  root = artifactsRoot(dataDir);
  clock = Date.parse('2026-03-01T00:00:00Z');
  store = new FileArtifactStore({ root, now: () => clock });
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under the store's root, relative to it. */
function files(): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

const png = Buffer.from('\x89PNG\r\n\x1a\n pretend picture', 'latin1');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Where the store keeps its one copy of some bytes. */
const blobOf = (b: Uint8Array) => `blobs/${sha(b).slice(0, 2)}/${sha(b)}.bin`;
const handleFiles = (id: string) => [`${id.slice(0, 2)}/${id}.bin`, `${id.slice(0, 2)}/${id}.json`];

async function rejection(p: Promise<unknown>): Promise<ValidationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('file artifact store', () => {
  it('stores under DATA_DIR/artifacts under a random id that says nothing of the bytes', async () => {
    expect(root).toBe(path.join(dataDir, 'artifacts'));
    const info = await store.put(png, 'image/png');
    expect(info).toEqual({ id: info.id, size: png.length, contentType: 'image/png', createdAtMs: clock });
    expect(info.id).toMatch(/^[0-9a-f]{32}$/);
    expect(sha(png)).not.toContain(info.id);
    const got = await store.get(info.id);
    expect(got?.contentType).toBe('image/png');
    expect(Buffer.compare(got!.bytes, png)).toBe(0);
    expect(files()).toEqual([...handleFiles(info.id), blobOf(png)].sort());
    const sidecar = JSON.parse(readFileSync(path.join(root, info.id.slice(0, 2), `${info.id}.json`), 'utf8'));
    expect(sidecar).toEqual({
      id: info.id,
      size: png.length,
      contentType: 'image/png',
      createdAtMs: clock,
      blob: sha(png),
    });
  });

  it('gives the same bytes a new id on every put, yet keeps one copy of them', async () => {
    const [a, b, c] = await Promise.all([
      store.put(png, 'image/png'),
      store.put(png, 'image/png'),
      store.put(new Uint8Array(png), 'image/png'),
    ]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(files()).toHaveLength(7);
    // One file on disk: every artifact's bytes are a link to it.
    const inodes = new Set(
      [a, b, c].map((x) => statSync(path.join(root, x.id.slice(0, 2), `${x.id}.bin`)).ino),
    );
    expect(inodes.size).toBe(1);
    expect(statSync(path.join(root, blobOf(png))).nlink).toBe(4);
    const other = await store.put(Buffer.from('another picture'), 'image/webp');
    expect([a.id, b.id, c.id]).not.toContain(other.id);
    expect((await store.get(other.id))?.contentType).toBe('image/webp');
    expect(Buffer.compare((await store.get(b.id))!.bytes, png)).toBe(0);
  });

  it('stores empty content too', async () => {
    const info = await store.put(new Uint8Array(0), 'application/octet-stream');
    expect(info.id).not.toBe(sha(new Uint8Array(0)).slice(0, 32));
    expect((await store.get(info.id))?.bytes.length).toBe(0);
  });

  it('stores under an id named beforehand, and refuses other bytes under an id in use', async () => {
    const id = 'ab'.repeat(16);
    expect((await store.put(png, 'image/png', { id })).id).toBe(id);
    const err = await rejection(store.put(Buffer.from('other'), 'image/png', { id }));
    expect(err.message).toContain('names an artifact with other bytes');
    await rejection(store.put(png, 'image/png', { id: '../x' }));
  });

  it('drops the kept copy once no artifact uses it', async () => {
    const a = await store.put(png, 'image/png', { ttlMs: 1000 });
    const b = await store.put(png, 'image/png', { ttlMs: 5000 });
    clock += 2000;
    expect(await store.sweep()).toBe(1);
    expect(files()).toEqual([...handleFiles(b.id), blobOf(png)].sort());
    expect(await store.get(a.id)).toBeUndefined();
    clock += 5000;
    expect(await store.sweep()).toBe(1);
    expect(files()).toEqual([]);
  });

  it('is read by a new store over the same folder', async () => {
    const { id } = await store.put(png, 'image/png', { ttlMs: 60_000 });
    const again = new FileArtifactStore({ root, now: () => clock });
    expect(await again.stat(id)).toEqual({
      id,
      size: png.length,
      contentType: 'image/png',
      createdAtMs: clock,
      expiresAtMs: clock + 60_000,
    });
  });

  it('hides expired artifacts and sweep removes only those', async () => {
    const short = await store.put(Buffer.from('short'), 'text/plain', { ttlMs: 1000 });
    const long = await store.put(Buffer.from('long'), 'text/plain', { ttlMs: 10_000 });
    const kept = await store.put(Buffer.from('kept'), 'text/plain');
    clock += 999;
    expect(await store.stat(short.id)).toBeDefined();
    clock += 1;
    expect(await store.stat(short.id)).toBeUndefined();
    expect(await store.get(short.id)).toBeUndefined();
    expect(await store.sweep()).toBe(1);
    expect(files()).toHaveLength(6);
    expect(await store.sweep(clock + 1_000_000)).toBe(1);
    expect(await store.stat(long.id)).toBeUndefined();
    expect(await store.stat(kept.id)).toBeDefined();
    expect(files()).toEqual([...handleFiles(kept.id), blobOf(Buffer.from('kept'))].sort());
    expect(await store.sweep(clock + 1_000_000)).toBe(0);
  });

  it('extends the life of the same bytes put again under their id, never shortens it', async () => {
    const first = await store.put(png, 'image/png', { ttlMs: 1000 });
    const id = first.id;
    clock += 500;
    expect((await store.put(png, 'image/png', { ttlMs: 5000, id })).expiresAtMs).toBe(clock + 5000);
    expect((await store.put(png, 'image/png', { ttlMs: 10, id })).expiresAtMs).toBe(clock + 5000);
    expect((await store.stat(first.id))?.createdAtMs).toBe(first.createdAtMs);
    expect((await store.put(png, 'image/png', { id })).expiresAtMs).toBeUndefined();
    expect((await store.put(png, 'image/png', { ttlMs: 10, id })).expiresAtMs).toBeUndefined();
    expect(await store.sweep(clock + 1_000_000)).toBe(0);
  });

  it('stores expired bytes afresh when they are put again under their id before a sweep', async () => {
    const first = await store.put(png, 'image/png', { ttlMs: 1000 });
    clock += 2000;
    const again = await store.put(png, 'image/jpeg', { ttlMs: 1000, id: first.id });
    expect(again).toMatchObject({ id: first.id, contentType: 'image/jpeg', createdAtMs: clock });
    expect(await store.sweep()).toBe(0);
    expect(await store.get(first.id)).toBeDefined();
  });

  it('deletes, and says whether there was something to delete', async () => {
    const { id } = await store.put(png, 'image/png');
    expect(await store.delete(id)).toBe(true);
    expect(await store.get(id)).toBeUndefined();
    expect(await store.delete(id)).toBe(false);
    expect(files()).toEqual([blobOf(png)]);
    await store.sweep();
    expect(files()).toEqual([]);
  });

  it('refuses ids that are not an artifact id, before touching the disk', async () => {
    writeFileSync(path.join(dataDir, 'secret.json'), '{}');
    for (const id of ['../secret', '../../etc/passwd', 'ab/cd', '', 'A'.repeat(32), `${'a'.repeat(32)}/..`]) {
      const err = await rejection(store.get(id));
      expect(err.problems[0]).toMatchObject({
        field: 'artifactId',
        problem: 'must be 32 lowercase hexadecimal characters',
      });
      await rejection(store.stat(id));
      await rejection(store.delete(id));
    }
    expect(readdirSync(dataDir)).toEqual(['secret.json']);
  });

  it('refuses a bad content type or time to live', async () => {
    const err = await rejection(store.put(png, 'png', { ttlMs: -5 }));
    expect(err.message).toBe(
      'cannot store artifact: contentType: "png" must be a media type, e.g. image/png; ' +
        'ttlMs: -5 must be a positive whole number of milliseconds',
    );
    await rejection(store.put(png, 'image/png', { ttlMs: 1.5 }));
    expect((await store.put(png, 'text/plain; charset=utf-8')).contentType).toBe('text/plain; charset=utf-8');
  });

  it('leaves no temp files, and sweeps those of a writer that died once they are old', async () => {
    const { id } = await store.put(png, 'image/png');
    const shard = path.join(root, id.slice(0, 2));
    expect(files().some((f) => f.endsWith('.tmp'))).toBe(false);
    const orphanId = 'f'.repeat(32);
    const temp = path.join(shard, `${id}.json.123.abc.tmp`);
    writeFileSync(temp, 'half');
    mkdirSync(path.join(root, 'ff'));
    writeFileSync(path.join(root, 'ff', `${orphanId}.bin`), 'no sidecar');
    writeFileSync(path.join(root, 'ff', `${orphanId}.json`), 'not json');
    // Young leftovers may belong to a put in progress.
    expect(await store.sweep(Date.now())).toBe(0);
    expect(files()).toHaveLength(6);
    expect(await store.get(orphanId)).toBeUndefined();
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    for (const f of [
      temp,
      path.join(root, 'ff', `${orphanId}.bin`),
      path.join(root, 'ff', `${orphanId}.json`),
    ])
      utimesSync(f, old, old);
    expect(await store.sweep(Date.now())).toBe(0);
    expect(files()).toEqual([...handleFiles(id), blobOf(png)].sort());
  });

  it('sweeps an empty or missing root', async () => {
    expect(await store.sweep()).toBe(0);
  });
});
