// What one configured API key stands for: its name and hash, the owner of its jobs, its limits.
// Its own file so the parser and the verifier both use it without importing each other.

export interface ApiKeyQuota {
  jobsPerDay?: number;
  maxConcurrent?: number;
}

export interface ApiKeyRecord {
  name: string;
  /** sha256 hex of the key, or the `scrypt$...` form from hashApiKey. */
  keyHash: string;
  /** Who jobs made with this key belong to; `key:<name>` unless configured. */
  owner: string;
  quota?: ApiKeyQuota;
  rateLimit?: { perMinute: number };
  /** Opens the dashboard (the key named `admin` does too). */
  admin?: boolean;
}
