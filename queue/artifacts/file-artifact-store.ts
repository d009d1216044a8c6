// Artifacts as files: `<root>/<first 2 id chars>/<id>.bin` holds the bytes and `<id>.json` the
// content type, size and times. The sidecar is written last, so an artifact exists exactly when
// its sidecar does; the 2-character shards keep directories small.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  type Artifact,
  type ArtifactInfo,
  type ArtifactStore,
  artifactIdOf,
  assertArtifactId,
  assertPutArguments,
  isArtifactId,
  type PutOptions,
} from './artifact-store.ts';

const SidecarSchema = z.object({
  id: z.string(),
  size: z.number().int().min(0),
  contentType: z.string(),
  createdAtMs: z.number(),
  expiresAtMs: z.number().optional(),
});

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

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
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

  async put(bytes: Uint8Array, contentType: string, options: PutOptions = {}): Promise<ArtifactInfo> {
    assertPutArguments(contentType, options);
    const id = artifactIdOf(bytes);
    const paths = this.pathsOf(id);
    const now = this.now();
    const expiresAtMs = options.ttlMs === undefined ? undefined : now + options.ttlMs;
    const existing = await this.readSidecar(paths.sidecar);
    const dataSize = await stat(paths.data).then(
      (s) => s.size,
      () => -1,
    );

    const live =
      existing && dataSize === existing.size && !this.isExpired(existing, now) ? existing : undefined;
    if (live) {
      // Same bytes again: one copy, kept as long as the longest-lived put asked for. The first
      // content type stays, since the bytes are the same.
      const keepUntil =
        live.expiresAtMs === undefined || expiresAtMs === undefined
          ? undefined
          : Math.max(live.expiresAtMs, expiresAtMs);
      if (keepUntil === live.expiresAtMs) return live;
      const info: ArtifactInfo = { ...live, expiresAtMs: keepUntil };
      await this.writeAtomic(paths.sidecar, JSON.stringify(info));
      return info;
    }

    // New, or expired and not swept yet: start afresh.
    await mkdir(paths.dir, { recursive: true });
    if (dataSize !== bytes.byteLength) await this.writeAtomic(paths.data, bytes);
    const info: ArtifactInfo = { id, size: bytes.byteLength, contentType, createdAtMs: now, expiresAtMs };
    await this.writeAtomic(paths.sidecar, JSON.stringify(info));
    return info;
  }

  async stat(id: string): Promise<ArtifactInfo | undefined> {
    assertArtifactId(id);
    const info = await this.readSidecar(this.pathsOf(id).sidecar);
    if (!info || this.isExpired(info, this.now())) return undefined;
    return info;
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
        // Read again just before removing: a put of the same bytes may have extended it meanwhile.
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
    return removed;
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
  private async readSidecar(file: string): Promise<ArtifactInfo | undefined> {
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
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content);
      // Without it a crash right after the rename can leave an empty file under the final name.
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
