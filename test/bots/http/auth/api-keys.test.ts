import { beforeAll, describe, expect, it } from 'vitest';
import { parseKeyHash } from '../../../../bots/http/auth/api-key-hash.ts';
import {
  type ApiKeyRecord,
  apiKeysFromConfig,
  generateApiKey,
  hashApiKey,
  parseApiKeys,
  sha256Hex,
  verifyApiKey,
} from '../../../../bots/http/auth/api-keys.ts';
import { ValidationError } from '../../../../core/errors.ts';

const CI_KEY = 'ibk_ci-key-for-tests-0123456789abcdef';
const ALICE_KEY = 'correct horse battery staple';
let aliceScrypt: string;
let keys: ApiKeyRecord[];

beforeAll(async () => {
  aliceScrypt = await hashApiKey(ALICE_KEY);
  keys = parseApiKeys(`ci:${sha256Hex(CI_KEY)},alice:${aliceScrypt}`);
});

function problemsOf(run: () => unknown): { field: string; problem: string; value?: unknown }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('hashApiKey', () => {
  it('makes a salted scrypt hash that differs each time', async () => {
    expect(aliceScrypt).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const again = await hashApiKey(ALICE_KEY);
    expect(again).not.toBe(aliceScrypt);
    expect(parseKeyHash(again)).toMatchObject({ kind: 'scrypt', N: 16384, r: 8, p: 1 });
  });

  it('refuses an empty key and costs outside the allowed range', async () => {
    await expect(hashApiKey('')).rejects.toThrow(/empty/);
    await expect(hashApiKey('k', { N: 2 ** 21, r: 8, p: 1 })).rejects.toThrow(/outside the allowed range/);
  });

  it('reads only well-formed, affordable hashes', () => {
    expect(parseKeyHash(sha256Hex('x'))?.kind).toBe('sha256');
    expect(parseKeyHash(sha256Hex('x').toUpperCase())?.kind).toBe('sha256');
    for (const bad of [
      'abc',
      sha256Hex('x').slice(1),
      'scrypt$16384$8$1$c2FsdA$aGFzaA',
      'scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'scrypt$4194304$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'scrypt$16384$64$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      aliceScrypt.replace('scrypt$', 'bcrypt$'),
    ]) {
      expect(parseKeyHash(bad)).toBeUndefined();
    }
  });

  it('generates long random keys', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^ibk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
  });
});

describe('verifyApiKey', () => {
  it('finds the record of a sha256 key and of a scrypt key', async () => {
    expect(await verifyApiKey(CI_KEY, keys)).toEqual({
      name: 'ci',
      keyHash: sha256Hex(CI_KEY),
      owner: 'key:ci',
    });
    expect((await verifyApiKey(ALICE_KEY, keys))?.name).toBe('alice');
  });

  it('finds nothing for a wrong, near, empty or absurdly long key', async () => {
    for (const presented of [
      'nope',
      `${CI_KEY}x`,
      CI_KEY.slice(0, -1),
      ALICE_KEY.toUpperCase(),
      sha256Hex(CI_KEY),
      '',
      undefined,
      'x'.repeat(513),
    ]) {
      expect(await verifyApiKey(presented, keys)).toBeUndefined();
    }
    expect(await verifyApiKey(CI_KEY, [])).toBeUndefined();
  });
});

describe('parseApiKeys', () => {
  it('reads name:hash pairs separated by commas or lines', () => {
    const hash = sha256Hex('k2');
    const parsed = parseApiKeys(` ci : ${sha256Hex(CI_KEY).toUpperCase()} ,\n\nbot.2:${hash}\n`);
    expect(parsed).toEqual([
      { name: 'ci', keyHash: sha256Hex(CI_KEY), owner: 'key:ci' },
      { name: 'bot.2', keyHash: hash, owner: 'key:bot.2' },
    ]);
    expect(parseApiKeys('')).toEqual([]);
    expect(parseApiKeys(undefined)).toEqual([]);
  });

  it('reads a JSON array with owners, quotas and rate limits', () => {
    const json = JSON.stringify([
      {
        name: 'team',
        keyHash: aliceScrypt,
        owner: 'http:team-a',
        quota: { jobsPerDay: 500, maxConcurrent: 2 },
        rateLimit: { perMinute: 30 },
      },
      { name: 'ci', keyHash: sha256Hex(CI_KEY) },
    ]);
    expect(parseApiKeys(json)).toEqual([
      {
        name: 'team',
        keyHash: aliceScrypt,
        owner: 'http:team-a',
        quota: { jobsPerDay: 500, maxConcurrent: 2 },
        rateLimit: { perMinute: 30 },
      },
      { name: 'ci', keyHash: sha256Hex(CI_KEY), owner: 'key:ci' },
    ]);
  });

  it('names every problem of a pair list, without echoing what may be a key', () => {
    expect(problemsOf(() => parseApiKeys(`ci:${sha256Hex('a')},${CI_KEY}`))).toEqual([
      { field: 'API_KEYS.1', problem: 'must be name:hash, e.g. ci:<sha256 hex of the key>' },
    ]);
    const problems = problemsOf(() => parseApiKeys(`ci:${CI_KEY},bad name:${sha256Hex('b')}`));
    expect(problems).toEqual([
      {
        field: 'API_KEYS.0.keyHash',
        problem:
          'must be the sha256 hex of the key or a scrypt$... hash made by hashApiKey, never the key itself',
      },
      {
        field: 'API_KEYS.1.name',
        value: 'bad name',
        problem: 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain(CI_KEY);
  });

  it('refuses duplicate names and one key under two names', () => {
    const hash = sha256Hex(CI_KEY);
    expect(
      problemsOf(() => parseApiKeys(`ci:${hash},ci:${sha256Hex('other')},ci2:${hash.toUpperCase()}`)),
    ).toEqual([
      { field: 'API_KEYS.1.name', value: 'ci', problem: 'is used twice' },
      { field: 'API_KEYS.2.keyHash', problem: 'is the same key as another record' },
    ]);
  });

  it('names the problems of JSON records', () => {
    expect(problemsOf(() => parseApiKeys('[{"name": "a"'))[0].problem).toMatch(/^is not valid JSON/);
    const json = JSON.stringify([
      { name: 'a', keyHash: sha256Hex('a'), quota: { jobsPerDay: 0 }, rateLimit: { perMinute: 1.5 } },
      { name: 'b', keyHash: sha256Hex('b'), extra: true },
    ]);
    expect(problemsOf(() => parseApiKeys(json, 'HTTP_KEYS'))).toEqual([
      { field: 'HTTP_KEYS.0.quota.jobsPerDay', value: 0, problem: 'must be at least 1' },
      { field: 'HTTP_KEYS.0.rateLimit.perMinute', value: 1.5, problem: 'must be a whole number' },
      { field: 'HTTP_KEYS.1', problem: 'has unknown field(s) extra' },
    ]);
    expect(problemsOf(() => apiKeysFromConfig({ name: 'a' }))).toEqual([
      { field: 'API_KEYS', value: { name: 'a' }, problem: 'must be a list of API key records' },
    ]);
  });
});
