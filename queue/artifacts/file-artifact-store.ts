// Artifacts as files: `<root>/<first 2 id chars>/<id>.bin` holds the bytes and `<id>.json` the content
// type, size and times. The sidecar is written last, so an artifact exists exactly when its sidecar
// does; the 2-character shards keep directories small.
// Ids are random per put; the same bytes are kept once all the same: `<root>/blobs/<sha256>.bin` is an
// index of the contents kept, and each artifact's `.bin` is a hard link to it (a copy where the file
// system has no hard links). A blob no artifact links to any more is dropped by sweep. Whatever races
// whom, an artifact's own link keeps its bytes: the index only saves space.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import {
  type Artifact,
  type ArtifactInfo,
  type ArtifactStore,
  assertArtifactId,
  assertPutArguments,
  contentHashOf,
  isArtifactId,
  newArtifactId,
  type PutOptions,
} from './artifact-store.ts';

const SidecarSchema = z.object({
  id: z.string(),
  size: z.number().int().min(0),
  contentType: z.string(),
  createdAtMs: z.number(),
  expiresAtMs: z.number().optional(),
  /** sha256 of the bytes (absent in artifacts stored before ids were random). */
  blob: z.string().optional(),
});

type Sidecar = z.infer<typeof SidecarSchema>;

export interface FileArtifactStoreOptions {
  /** Usually `<DATA_DIR>/artifacts`. */
  root: string;
  /** Clock for created and expiry times (tests pass a fixed one). */
  now?: () => number;
  /**
   * Files without a sidecar, or temp files, older than this are a writer that died midway; younger
   * ones may be a put in progress, so sweep leaves them.
   */
  strayAgeMs?: number;
}

export function artifactsRoot(dataDir: string): string {
  return path.join(dataDir, 'artifacts');
}

const BLOBS = 'blobs';

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function infoOf(sidecar: Sidecar): ArtifactInfo {
  const { blob: _blob, ...info } = sidecar;
  return info;
}

export class FileArtifactStore implements ArtifactStore {
  readonly root: string;
  private readonly now: () => number;
  private readonly strayAgeMs: number;

  constructor(options: FileArtifactStoreOptions) {
    this.root = path.resolve(options.root);
    this.now = options.now ?? Date.now;
    this.strayAgeMs = options.strayAgeMs ?? 60 * 60 * 1000;
  }

  private pathsOf(id: string): { dir: string; data: string; sidecar: string } {
    const dir = path.join(this.root, id.slice(0, 2));
    return { dir, data: path.join(dir, `${id}.bin`), sidecar: path.join(dir, `${id}.json`) };
  }

  private blobPathOf(hash: string): string {
    return path.join(this.root, BLOBS, hash.slice(0, 2), `${hash}.bin`);
  }

  async put(bytes: Uint8Array, contentType: string, options: PutOptions = {}): Promise<ArtifactInfo> {
    assertPutArguments(contentType, options);
    const hash = contentHashOf(bytes);
    const now = this.now();
    const expiresAtMs = options.ttlMs === undefined ? undefined : now + options.ttlMs;
    if (options.id !== undefined) {
      const existing = await this.readSidecar(this.pathsOf(options.id).sidecar);
      if (existing && !this.isExpired(existing, now)) return this.extend(existing, hash, expiresAtMs);
    }
    const id = options.id ?? newArtifactId();
    const paths = this.pathsOf(id);
    await mkdir(paths.dir, { recursive: true });
    await this.placeBytes(bytes, hash, paths.data);
    const sidecar: Sidecar = {
      id,
      size: bytes.byteLength,
      contentType,
      createdAtMs: now,
      expiresAtMs,
      blob: hash,
    };
    await this.writeAtomic(paths.sidecar, JSON.stringify(sidecar));
    return infoOf(sidecar);
  }

  /** The same artifact put again: kept as long as the longest-lived put asked for, never shorter. */
  private async extend(live: Sidecar, hash: string, expiresAtMs: number | undefined): Promise<ArtifactInfo> {
    if (live.blob !== undefined && live.blob !== hash) {
      throw new ValidationError(
        [{ field: 'id', value: live.id, problem: 'names an artifact with other bytes' }],
        'cannot store artifact',
      );
    }
    const keepUntil =
      live.expiresAtMs === undefined || expiresAtMs === undefined
        ? undefined
        : Math.max(live.expiresAtMs, expiresAtMs);
    if (keepUntil === live.expiresAtMs) return infoOf(live);
    const updated: Sidecar = { ...live, expiresAtMs: keepUntil };
    await this.writeAtomic(this.pathsOf(live.id).sidecar, JSON.stringify(updated));
    return infoOf(updated);
  }

  /** Links the artifact's file to the kept copy of these bytes, writing that copy first if there is none. */
  private async placeBytes(bytes: Uint8Array, hash: string, target: string): Promise<void> {
    const blob = this.blobPathOf(hash);
    await rm(target, { force: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      const kept = await stat(blob).catch(() => undefined);
      if (!kept) await this.keepBlob(blob, bytes).catch(() => undefined);
      else if (kept.size !== bytes.byteLength) await this.writeAtomic(blob, bytes); // a broken copy
      try {
        await link(blob, target);
        return;
      } catch (err) {
        // Swept between the stat and the link: keep it again. No hard links here: keep a copy.
        if (isMissing(err)) continue;
        break;
      }
    }
    await this.writeAtomic(target, bytes);
  }

  /** Writes the kept copy unless another put has just done so: linked into place, never replacing one. */
  private async keepBlob(blob: string, bytes: Uint8Array): Promise<void> {
    await mkdir(path.dirname(blob), { recursive: true });
    const temp = await this.writeTemp(blob, bytes);
    try {
      await link(temp, blob);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async stat(id: string): Promise<ArtifactInfo | undefined> {
    assertArtifactId(id);
    const sidecar = await this.readSidecar(this.pathsOf(id).sidecar);
    if (!sidecar || this.isExpired(sidecar, this.now())) return undefined;
    return infoOf(sidecar);
  }

  async get(id: string): Promise<Artifact | undefined> {
    const info = await this.stat(id);
    if (!info) return undefined;
    try {
      const bytes = await readFile(this.pathsOf(id).data);
      return { ...info, bytes };
    } catch (err) {
      // Deleted or swept between the two reads.
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    assertArtifactId(id);
    const paths = this.pathsOf(id);
    const existed = (await this.readSidecar(paths.sidecar)) !== undefined;
    await this.remove(paths);
    return existed;
  }

  async sweep(nowMs: number = this.now()): Promise<number> {
    let removed = 0;
    for (const shard of await this.listDir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const dir = path.join(this.root, shard);
      const names = await this.listDir(dir);
      const sidecars = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
      for (const id of sidecars) {
        if (!isArtifactId(id)) continue;
        const paths = this.pathsOf(id);
        const info = await this.readSidecar(paths.sidecar);
        if (info && !this.isExpired(info, nowMs)) continue;
        if (!info && !(await this.isStray(paths.sidecar, nowMs))) continue;
        // Read again just before removing: a put of the same id may have extended it meanwhile.
        const latest = await this.readSidecar(paths.sidecar);
        if (latest && !this.isExpired(latest, nowMs)) continue;
        await this.remove(paths);
        if (info) removed++;
      }
      // Leftovers of writers that died: bytes without a sidecar, and temp files.
      for (const name of names) {
        const orphan = name.endsWith('.bin') && !sidecars.has(name.slice(0, -4));
        if ((orphan || name.endsWith('.tmp')) && (await this.isStray(path.join(dir, name), nowMs))) {
          await rm(path.join(dir, name), { force: true });
        }
      }
    }
    await this.sweepBlobs(nowMs);
    return removed;
  }

  /** Drops kept copies no artifact links to (one link left: the index's own), and stray temp files. */
  private async sweepBlobs(nowMs: number): Promise<void> {
    const blobs = path.join(this.root, BLOBS);
    for (const shard of await this.listDir(blobs)) {
      const dir = path.join(blobs, shard);
      for (const name of await this.listDir(dir)) {
        const file = path.join(dir, name);
        if (name.endsWith('.tmp')) {
          if (await this.isStray(file, nowMs)) await rm(file, { force: true });
          continue;
        }
        const s = await stat(file).catch(() => undefined);
        // A put that links it right now keeps its own link to the bytes; only the index entry goes.
        if (s && s.nlink <= 1) await unlink(file).catch(() => undefined);
      }
    }
  }

  private isExpired(info: ArtifactInfo, nowMs: number): boolean {
    return info.expiresAtMs !== undefined && info.expiresAtMs <= nowMs;
  }

  private async isStray(file: string, nowMs: number): Promise<boolean> {
    try {
      return nowMs - (await stat(file)).mtimeMs >= this.strayAgeMs;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  private async remove(paths: { data: string; sidecar: string }): Promise<void> {
    // Sidecar first: once it is gone the artifact no longer exists for readers.
    await rm(paths.sidecar, { force: true });
    await rm(paths.data, { force: true });
  }

  private async listDir(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  /** An unreadable or foreign sidecar counts as no artifact; sweep removes it once stray. */
  private async readSidecar(file: string): Promise<Sidecar | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    try {
      const parsed = SidecarSchema.safeParse(JSON.parse(text));
      if (!parsed.success || `${parsed.data.id}.json` !== path.basename(file)) return undefined;
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  /** Readers see the old file or the whole new one, never a part: write a temp file, then rename. */
  private async writeAtomic(file: string, content: Uint8Array | string): Promise<void> {
    const temp = await this.writeTemp(file, content);
    try {
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** The content in a new temp file next to `file`, on disk (synced) before it is given a name. */
  private async writeTemp(file: string, content: Uint8Array | string): Promise<string> {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content);
      // Without it a crash right after the rename can leave an empty file under the final name.
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }
}
