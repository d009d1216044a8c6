// How API keys are stored: never as themselves. Either the sha256 hex of the key (enough for long random
// keys, and costs nothing to check) or `scrypt$N$r$p$salt$hash` (salted and slow, for keys people chose).
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export type KeyHash =
  | { kind: 'sha256'; digest: Buffer }
  | { kind: 'scrypt'; N: number; r: number; p: number; salt: Buffer; digest: Buffer };

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const SCRYPT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Costs a config may ask for: enough to be slow, not enough to exhaust memory on every request. */
const LIMITS = { minN: 2 ** 10, maxN: 2 ** 20, maxR: 32, maxP: 16, maxMemory: 256 * 1024 * 1024 };
const DEFAULT_COST = { N: 2 ** 14, r: 8, p: 1 };

function costAllowed({ N, r, p }: { N: number; r: number; p: number }): boolean {
  const powerOfTwo = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N < LIMITS.minN || N > LIMITS.maxN) return false;
  return r >= 1 && r <= LIMITS.maxR && p >= 1 && p <= LIMITS.maxP && 128 * N * r <= LIMITS.maxMemory;
}

/** The stored form read back; undefined when the text is neither form (or asks for an unsafe cost). */
export function parseKeyHash(text: string): KeyHash | undefined {
  if (SHA256_HEX.test(text)) return { kind: 'sha256', digest: Buffer.from(text, 'hex') };
  const m = SCRYPT.exec(text);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!costAllowed({ N, r, p })) return undefined;
  const salt = Buffer.from(m[4], 'base64url');
  const digest = Buffer.from(m[5], 'base64url');
  if (salt.length < 8 || digest.length < 16 || digest.length > 64) return undefined;
  return { kind: 'scrypt', N, r, p, salt, digest };
}

function scryptDigest(key: string, h: { N: number; r: number; p: number; salt: Buffer }, length: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(key, h.salt, length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r }, (err, out) =>
      err ? reject(err) : resolve(out),
    ),
  );
}

export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The scrypt form of a key, with a fresh random salt, for putting in the config. */
export async function hashApiKey(key: string, cost = DEFAULT_COST): Promise<string> {
  if (key.length === 0) throw new Error('an API key cannot be empty');
  if (!costAllowed(cost)) {
    throw new Error(`scrypt cost N=${cost.N} r=${cost.r} p=${cost.p} is outside the allowed range`);
  }
  const salt = randomBytes(16);
  const digest = await scryptDigest(key, { ...cost, salt }, 32);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${digest.toString('base64url')}`;
}

/**
 * Whether `presented` is the key behind `hash`, compared in constant time. `presentedSha256` is the
 * key's sha256, computed once by the caller for all the sha256 records it checks.
 */
export async function keyMatches(
  presented: string,
  presentedSha256: Buffer,
  hash: KeyHash,
): Promise<boolean> {
  const actual =
    hash.kind === 'sha256' ? presentedSha256 : await scryptDigest(presented, hash, hash.digest.length);
  return actual.length === hash.digest.length && timingSafeEqual(actual, hash.digest);
}

/** A new random key: 32 bytes, URL-safe, with a prefix that makes a leaked one easy to search for. */
export function generateApiKey(): string {
  return `ibk_${randomBytes(32).toString('base64url')}`;
}
