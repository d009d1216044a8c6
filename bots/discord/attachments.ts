// Attachments arrive in Discord's own payloads and are fetched only from Discord's CDN hosts
// (DISCORD_CDN_BASE): a URL anywhere else is refused, redirects are not followed, and the size is
// capped while reading.
import { ValidationError } from '../../core/errors.ts';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface AttachmentFetchOptions {
  cdnBases: readonly string[];
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What the picture is to the user ("image", "mask"), for error messages. */
  field?: string;
}

/** Whether `url` lies under one of the CDN bases (same scheme, host and port, path within). */
export function isCdnUrl(url: string, cdnBases: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return cdnBases.some((base) => {
    const b = new URL(base);
    const basePath = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`;
    return (
      u.protocol === b.protocol &&
      u.host === b.host &&
      (b.pathname === '/' || u.pathname.startsWith(basePath))
    );
  });
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

export async function fetchAttachment(url: string, options: AttachmentFetchOptions): Promise<Buffer> {
  const field = options.field ?? 'image';
  if (!isCdnUrl(url, options.cdnBases)) {
    throw new ValidationError([
      { field, problem: 'is not a Discord attachment: attach the picture to the command' },
    ]);
  }
  const maxBytes = options.maxBytes ?? MAX_ATTACHMENT_BYTES;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal });
  } catch (err) {
    throw new ValidationError([
      { field, problem: `could not be downloaded from Discord (${(err as Error).message}): try again` },
    ]);
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new ValidationError([
      { field, problem: `could not be downloaded from Discord (HTTP ${res.status}): attach it again` },
    ]);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.length;
    if (total > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new ValidationError([
        { field, problem: `is larger than ${sizeText(maxBytes)}: send a smaller picture` },
      ]);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
