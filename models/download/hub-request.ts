// One GET of a hub file, following its redirects by hand: the hub answers `resolve` of a large
// (LFS) file with a redirect to its storage and puts the file's sha256 and size on that redirect
// (X-Linked-Etag, X-Linked-Size), which an automatically followed redirect would hide.
import { HubError } from './hub-error.ts';

const MAX_REDIRECTS = 5;

export interface HubResponse {
  response: Response;
  /** The sha256 the hub states for the file, when it states one. */
  linkedSha256?: string;
  linkedSize?: number;
}

function sha256Of(etag: string | null): string | undefined {
  const value = etag?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

function sizeOf(header: string | null): number | undefined {
  return header && /^\d+$/.test(header) ? Number(header) : undefined;
}

export async function hubGet(
  url: string,
  token: string | undefined,
  start: number,
  signal?: AbortSignal,
): Promise<HubResponse> {
  const first = new URL(url);
  let current = first;
  let linkedSha256: string | undefined;
  let linkedSize: number | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'imagine-bot-models' };
    // The token is for the hub only, never for the storage it redirects to.
    if (token && current.origin === first.origin) headers.authorization = `Bearer ${token}`;
    if (start > 0) headers.range = `bytes=${start}-`;
    const response = await fetch(current, { headers, redirect: 'manual', signal });
    linkedSha256 ??= sha256Of(response.headers.get('x-linked-etag'));
    linkedSize ??= sizeOf(response.headers.get('x-linked-size'));
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return { response, linkedSha256, linkedSize };
    }
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== first.protocol) {
      throw new HubError(`the hub redirected ${url} to ${next.href}, which is not https; refused`);
    }
    current = next;
  }
  throw new HubError(`the hub redirected ${url} more than ${MAX_REDIRECTS} times; refused`);
}
