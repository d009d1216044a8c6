// Remembers which presented key matched which record for a minute. scrypt records cost tens of
// milliseconds per check; without this every request would pay it (and a client polling its job would
// pay it every poll). Only the sha256 of a key is kept, never the key.
import { createHash } from 'node:crypto';
import { type ApiKeyRecord, verifyApiKey } from '../auth/api-keys.ts';

const MAX_ENTRIES = 1000;

export class VerifiedKeyCache {
  private readonly entries = new Map<string, { record: ApiKeyRecord | undefined; until: number }>();

  constructor(
    private readonly keys: readonly ApiKeyRecord[],
    private readonly ttlMs = 60_000,
    /** Unknown keys are remembered for less time: they are cheap to retry and often typos. */
    private readonly missTtlMs = 5_000,
  ) {}

  async verify(presented: string): Promise<ApiKeyRecord | undefined> {
    const digest = createHash('sha256').update(presented, 'utf8').digest('hex');
    const now = Date.now();
    const hit = this.entries.get(digest);
    if (hit && hit.until > now) return hit.record;
    const record = await verifyApiKey(presented, this.keys);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, { record, until: now + (record ? this.ttlMs : this.missTtlMs) });
    return record;
  }
}
