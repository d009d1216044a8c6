// The transition scripts' conventions: a file's name carries its number of KEYS, which must be the
// keys the script reads; its header documents each KEYS[i] and ARGV[i] it reads and its replies; the
// loader refuses a call with the wrong number of keys.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadScripts,
  parseScriptFile,
  SCRIPT_FILES,
  scriptSource,
} from '../../queue/orchestrator/scripts.ts';
import { TEST_REDIS_URL } from '../helpers/redis-url.ts';

const text = (file: string) =>
  readFileSync(new URL(`../../queue/orchestrator/lua/${file}`, import.meta.url), 'utf8');

/** The indexes of `name[i]` in the code (the header comment lines left out) or in the header. */
function indexes(lines: string[], name: 'KEYS' | 'ARGV'): Set<number> {
  const found = new Set<number>();
  for (const line of lines)
    for (const m of line.matchAll(new RegExp(`${name}\\[(\\d+)\\]`, 'g'))) found.add(Number(m[1]));
  return found;
}

describe('Lua transition scripts', () => {
  for (const file of SCRIPT_FILES) {
    it(`${file}: the name's key count is what the script reads, and the header documents it`, () => {
      const { numberOfKeys } = parseScriptFile(file);
      const lines = text(file).split('\n');
      const header = lines.filter((l) => l.startsWith('--'));
      const code = lines.filter((l) => !l.startsWith('--'));
      const used = indexes(code, 'KEYS');
      expect(Math.max(...used)).toBe(numberOfKeys);
      expect([...used].sort((a, b) => a - b)).toEqual(Array.from({ length: numberOfKeys }, (_, i) => i + 1));
      expect(indexes(header, 'KEYS')).toEqual(used);
      for (const arg of indexes(code, 'ARGV')) expect(indexes(header, 'ARGV')).toContain(arg);
      expect(header.some((l) => l.startsWith('-- Returns'))).toBe(true);
    });
  }

  it('the shared library reads no KEYS or ARGV: scripts pass them in', () => {
    const code = text('advance.lib.lua')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('--'));
    expect(code.join('\n')).not.toMatch(/KEYS|ARGV/);
    expect(scriptSource('cancel-8.lua')).toMatch(
      /^local FINAL = \{ done = true, failed = true, cancelled = true \}/,
    );
  });

  it('refuses a name without a key count', () => {
    expect(() => parseScriptFile('submit.lua')).toThrow('must be named <name>-<number of keys>.lua');
  });

  const redis = new Redis(TEST_REDIS_URL);
  afterAll(() => redis.quit());

  it('refuses a call with the wrong number of keys before it reaches Redis', async () => {
    const scripts = loadScripts(redis);
    await expect(scripts.run('cancel', ['a', 'b'], [])).rejects.toThrow(
      'script cancel takes 8 keys, was given 2',
    );
  });
});
