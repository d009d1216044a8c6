// API_KEYS_AUTO as readHttpEnv reads it: the admin key made once in DATA_DIR, read back later, and the
// settings that make it do nothing or refuse to start.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex, verifyApiKey } from '../../../../bots/http/auth/api-keys.ts';
import { readHttpEnv } from '../../../../bots/http/http-env.ts';
import { ValidationError } from '../../../../core/errors.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'admin-key-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const problemsOf = (read: () => unknown) => {
  try {
    read();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a ValidationError');
};

describe('API_KEYS_AUTO', () => {
  it('makes the admin key once, shows it once, and reads its hash back later', async () => {
    const first = readHttpEnv({ API_KEYS_AUTO: 'true' }, { dataDir });
    const key = /ibk_[A-Za-z0-9_-]{43}/.exec(first.notices.join('\n'))?.[0];
    expect(key).toBeDefined();
    expect(first.apiKeys).toEqual([{ name: 'admin', keyHash: sha256Hex(key!), owner: 'key:admin' }]);
    expect(await verifyApiKey(key, first.apiKeys)).toMatchObject({ name: 'admin' });

    const second = readHttpEnv({ API_KEYS_AUTO: 'true' }, { dataDir });
    expect(second.notices.join('\n')).not.toMatch(/ibk_/);
    expect(second.notices.join('\n')).toContain(path.join(dataDir, 'admin-key.sha256'));
    expect(second.apiKeys).toEqual(first.apiKeys);
  });

  it('makes nothing when API_KEYS is set, or when it is off', () => {
    const configured = readHttpEnv(
      { API_KEYS_AUTO: 'true', API_KEYS: `ci:${sha256Hex('a-long-random-key')}` },
      { dataDir },
    );
    expect(configured.apiKeys.map((k) => k.name)).toEqual(['ci']);
    expect(configured.notices).toEqual(['http: API_KEYS is set, so API_KEYS_AUTO makes no admin key']);
    expect(readHttpEnv({}, { dataDir }).apiKeys).toEqual([]);
    expect(readHttpEnv({ API_KEYS_AUTO: 'false' }, { dataDir }).apiKeys).toEqual([]);
  });

  it('refuses to start on a bad value or a damaged key file, saying what to change', async () => {
    expect(problemsOf(() => readHttpEnv({ API_KEYS_AUTO: 'maybe' }, { dataDir }))).toEqual([
      { field: 'API_KEYS_AUTO', value: 'maybe', problem: 'must be true or false' },
    ]);
    await writeFile(path.join(dataDir, 'admin-key.sha256'), 'ibk_not-a-hash\n');
    const [damaged] = problemsOf(() => readHttpEnv({ API_KEYS_AUTO: 'true' }, { dataDir }));
    expect(damaged).toMatchObject({ field: 'API_KEYS_AUTO' });
    expect(damaged.problem).toContain('delete it to have a new admin key made');
    expect(damaged.problem).not.toContain('ibk_not-a-hash');
  });
});
