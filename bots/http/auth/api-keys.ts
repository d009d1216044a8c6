// API keys of the HTTP surface: who a presented key belongs to, and the limits that come with it.
// Keys are configured by hash only (see api-key-hash.ts), so the config never holds a usable key.
import { createHash } from 'node:crypto';
import { keyMatches, parseKeyHash } from './api-key-hash.ts';
import type { ApiKeyRecord } from './api-key-record.ts';

export { generateApiKey, hashApiKey, sha256Hex } from './api-key-hash.ts';
export type { ApiKeyQuota, ApiKeyRecord } from './api-key-record.ts';
export { apiKeysFromConfig, parseApiKeys } from './parse-api-keys.ts';

/** No real key is this long; refusing longer ones bounds the hashing work a stranger can cause. */
export const MAX_PRESENTED_KEY_CHARS = 512;

/**
 * The record whose key was presented, or undefined. Every record is checked whatever matched, and each
 * comparison is constant-time, so timing tells nothing about the keys. scrypt records cost one scrypt
 * each per call: prefer sha256 records (with long random keys) when there are many keys.
 */
export async function verifyApiKey(
  presented: string | undefined,
  keys: readonly ApiKeyRecord[],
): Promise<ApiKeyRecord | undefined> {
  if (!presented || presented.length > MAX_PRESENTED_KEY_CHARS) return undefined;
  const presentedSha256 = createHash('sha256').update(presented, 'utf8').digest();
  const matches = await Promise.all(
    keys.map((record) => {
      const hash = parseKeyHash(record.keyHash);
      return hash ? keyMatches(presented, presentedSha256, hash) : false;
    }),
  );
  const at = matches.indexOf(true);
  return at < 0 ? undefined : keys[at];
}
