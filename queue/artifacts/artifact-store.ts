// What the service keeps of a job's result and of uploads. Every put gets a new random id, so an id
// (which is what links carry) cannot be derived from the picture: holding a picture tells nobody
// whether it was made or uploaded here. The same bytes are still kept once (a store dedupes by
// content internally). The file store is the default; another backend (an object store) only has to
// implement ArtifactStore.
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../../core/errors.ts';

export interface ArtifactInfo {
  /** 32 lowercase hex characters, random (128 bits): unguessable, unrelated to the bytes. */
  id: string;
  size: number;
  contentType: string;
  createdAtMs: number;
  /** Absent when the artifact is kept until deleted. */
  expiresAtMs?: number;
}

export interface Artifact extends ArtifactInfo {
  bytes: Buffer;
}

export interface PutOptions {
  /** How long to keep it; without one it is kept until deleted. */
  ttlMs?: number;
  /**
   * Store under this id (one from newArtifactId, named before the bytes are stored), or extend the
   * life of the artifact that has it (the same bytes put again under their id).
   */
  id?: string;
}

export interface ArtifactStore {
  /** Stores the bytes under a new id (or `options.id`); under an existing id it extends the life if asked to. */
  put(bytes: Uint8Array, contentType: string, options?: PutOptions): Promise<ArtifactInfo>;
  /** The artifact, or undefined when it never existed, was deleted or has expired. */
  get(id: string): Promise<Artifact | undefined>;
  stat(id: string): Promise<ArtifactInfo | undefined>;
  /** Whether there was something to delete. */
  delete(id: string): Promise<boolean>;
  /** Removes expired artifacts and returns how many. */
  sweep(nowMs?: number): Promise<number>;
}

const ID = /^[0-9a-f]{32}$/;
// type/subtype with optional parameters, e.g. `image/png` or `text/plain; charset=utf-8`.
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;

/** A new artifact id: 128 random bits as hex. */
export function newArtifactId(): string {
  return randomBytes(16).toString('hex');
}

/** The full sha256 of the bytes: how a store finds a copy it already keeps. Never handed out. */
export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isArtifactId(id: string): boolean {
  return ID.test(id);
}

/** Ids become file names, so anything but the exact id shape (`..`, `/`) is refused. */
export function assertArtifactId(id: string, field = 'artifactId'): void {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new ValidationError([{ field, value: id, problem: 'must be 32 lowercase hexadecimal characters' }]);
  }
}

export function assertPutArguments(contentType: string, options: PutOptions): void {
  const problems = [];
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    problems.push({
      field: 'contentType',
      value: contentType,
      problem: 'must be a media type, e.g. image/png',
    });
  }
  if (options.id !== undefined && (typeof options.id !== 'string' || !ID.test(options.id))) {
    problems.push({ field: 'id', value: options.id, problem: 'must be 32 lowercase hexadecimal characters' });
  }
  const ttl = options.ttlMs;
  if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl > 0)) {
    problems.push({ field: 'ttlMs', value: ttl, problem: 'must be a positive whole number of milliseconds' });
  }
  if (problems.length > 0) throw new ValidationError(problems, 'cannot store artifact');
}
