// Turns what a client sent for `image` or `mask` into a reference a job can carry: an http(s) URL (fetched
// later by fetch-media, which enforces the SSRF rules), an earlier artifact, or bytes (a data: URI or a
// multipart file) that are checked here and stored as an artifact before the job is submitted.
import { ValidationError } from '../../../../core/errors.ts';
import type { MediaRef } from '../../../../core/job/references.ts';
import {
  type ArtifactStore,
  isArtifactId,
  newArtifactId,
} from '../../../../queue/artifacts/artifact-store.ts';
import type { HttpLimits } from '../../http-deps.ts';
import { type CheckedUpload, checkUpload, uploadTooLarge } from './check-upload.ts';

export type MediaInput = string | { artifact: string } | Blob;

export interface ResolvedMedia {
  ref: MediaRef;
  /** Bytes to store before submitting; the ref already names their artifact id. */
  upload?: CheckedUpload;
}

const DATA_URI = /^data:([^,;]*)((?:;[^,;]*)*?);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(field: string, problem: string, value?: unknown): ValidationError {
  return new ValidationError([{ field, problem, ...(value !== undefined ? { value } : {}) }]);
}

/** Base64 after a data: URI's comma (whitespace ignored), or undefined when it is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!BASE64.test(clean) || clean.length % 4 === 1) return undefined;
  return Buffer.from(clean, 'base64');
}

async function fromDataUri(field: string, text: string, limits: HttpLimits): Promise<ResolvedMedia> {
  const head = DATA_URI.exec(text.slice(0, 256));
  if (!head) throw invalid(field, 'must be a base64 data: URI, e.g. data:image/png;base64,...');
  const payload = text.slice(head[0].length);
  // 4 base64 characters carry 3 bytes: refuse by length before decoding anything.
  if (Math.floor((payload.length * 3) / 4) > limits.maxUploadBytes + 3) {
    throw uploadTooLarge(field, limits.maxUploadBytes);
  }
  const bytes = decodeBase64(payload);
  if (!bytes) throw invalid(field, 'has a data: URI whose content is not valid base64');
  const upload = await checkUpload(field, bytes, limits);
  return named(upload);
}

/** An upload gets its artifact id now, so the job can name it before the bytes are stored on submit. */
function named(upload: CheckedUpload): ResolvedMedia {
  const id = newArtifactId();
  return { ref: { type: 'artifact', id }, upload: { ...upload, artifactId: id } };
}

export async function resolveMediaInput(
  field: string,
  input: MediaInput,
  deps: { artifacts: ArtifactStore; limits: HttpLimits },
): Promise<ResolvedMedia> {
  if (input instanceof Blob) {
    if (input.size > deps.limits.maxUploadBytes) throw uploadTooLarge(field, deps.limits.maxUploadBytes);
    const bytes = Buffer.from(await input.arrayBuffer());
    return named(await checkUpload(field, bytes, deps.limits));
  }
  if (typeof input === 'object') {
    const id = input.artifact;
    if (!isArtifactId(id))
      throw invalid(`${field}.artifact`, 'must be an artifact id (32 hex characters)', id);
    if (!(await deps.artifacts.stat(id))) {
      throw invalid(`${field}.artifact`, 'does not exist (or has expired): upload the picture again', id);
    }
    return { ref: { type: 'artifact', id } };
  }
  if (/^data:/i.test(input)) return fromDataUri(field, input, deps.limits);
  if (/^https?:\/\//i.test(input)) {
    try {
      new URL(input);
    } catch {
      throw invalid(field, 'is not a valid URL', input);
    }
    return { ref: { type: 'url', url: input } };
  }
  throw invalid(field, 'must be an http(s) URL, a data: URI, or {"artifact": "<id>"}', input);
}
