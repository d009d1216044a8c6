// API_KEYS_AUTO: a server started without API_KEYS makes its own `admin` key on first start, so a
// container listening on every address is never open to anyone. Only the key's sha256 is kept, in
// DATA_DIR; the key itself is shown once, at the start that made it, and never again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../core/errors.ts';
import { generateApiKey, sha256Hex } from './api-key-hash.ts';
import type { ApiKeyRecord } from './api-key-record.ts';

export const ADMIN_KEY_NAME = 'admin';
export const ADMIN_KEY_FILE = 'admin-key.sha256';

export interface AdminKey {
  record: ApiKeyRecord;
  file: string;
  /** The key itself, only when this start made it. */
  created?: string;
}

function recordOf(hash: string): ApiKeyRecord {
  return { name: ADMIN_KEY_NAME, keyHash: hash, owner: `key:${ADMIN_KEY_NAME}` };
}

function readHash(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ValidationError([
      { field: 'API_KEYS_AUTO', problem: `cannot read ${file} (${(err as NodeJS.ErrnoException).code})` },
    ]);
  }
  const hash = text.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) {
    throw new ValidationError([
      {
        field: 'API_KEYS_AUTO',
        problem: `${file} does not hold the sha256 hex of a key: delete it to have a new admin key made`,
      },
    ]);
  }
  return hash;
}

/** The admin key of `dataDir`: read from its hash file, or made now (and the file written). */
export function loadOrCreateAdminKey(dataDir: string): AdminKey {
  const file = path.resolve(dataDir, ADMIN_KEY_FILE);
  const existing = readHash(file);
  if (existing) return { record: recordOf(existing), file };
  const key = generateApiKey();
  const hash = sha256Hex(key);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // wx: two processes starting at once must not both make a key; the loser reads the winner's.
    writeFileSync(file, `${hash}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      const theirs = readHash(file);
      if (theirs) return { record: recordOf(theirs), file };
    }
    throw new ValidationError([
      { field: 'API_KEYS_AUTO', problem: `cannot write ${file} (${code}): make DATA_DIR writable` },
    ]);
  }
  return { record: recordOf(hash), file, created: key };
}

/** What the start says about the admin key: the key itself only on the start that made it. */
export function adminKeyNotices(admin: AdminKey): string[] {
  if (!admin.created) {
    return [
      `http: API key "${ADMIN_KEY_NAME}" from ${admin.file} (made on first start; delete the file and restart for a new one)`,
    ];
  }
  return [
    `http: made the API key "${ADMIN_KEY_NAME}"; it is shown only this once, so keep it now (only its sha256 is stored, in ${admin.file}):`,
    `http:   ${admin.created}`,
    `http: send it as "Authorization: Bearer <key>"`,
  ];
}
