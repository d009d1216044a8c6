import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../renderer/refcheck/python-json.ts';
import { runRefcheck } from '../../renderer/refcheck/run-refcheck.ts';
import * as schedulerCases from '../../renderer/refcheck/scheduler-cases.ts';

const referenceDir = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
const schedulerCheckerWritten = !('SCHEDULER_CHECKER_IS_STUB' in schedulerCases);

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding the given files: a name maps to text, or to a file to copy. */
function folder(files: Record<string, string | { copy: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'refcheck-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') writeFileSync(join(dir, name), content);
    else copyFileSync(content.copy, join(dir, name));
  }
  return dir;
}

async function refcheck(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRefcheck(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err, failures: out.filter((l) => l.startsWith('FAIL ')) };
}

const ref = (name: string) => ({ copy: join(referenceDir, name) });
const readRef = (name: string) =>
  parsePythonJson(readFileSync(join(referenceDir, name), 'utf8')) as unknown[];

describe('refcheck over the shared reference files', () => {
  if (!existsSync(referenceDir)) {
    it.skip(`reference folder ${referenceDir} absent, nothing to check against`, () => {});
    return;
  }

  it('passes every randn case', async () => {
    const r = await refcheck(folder({ 'torch_randn.json': ref('torch_randn.json') }));
    expect(r.failures).toEqual([]);
    expect(r.out.filter((l) => l.startsWith('PASS randn '))).toHaveLength(readRef('torch_randn.json').length);
    expect(r.out.at(-1)).toBe(`${readRef('torch_randn.json').length} passed, 0 failed`);
    expect(r.code).toBe(0);
  });

  it('passes every token case with the vocabulary found next to them', async () => {
    const dir = folder({
      'clip_tokens.json': ref('clip_tokens.json'),
      'clip_vocab.json': ref('clip_vocab.json'),
      'clip_merges.txt': ref('clip_merges.txt'),
    });
    const r = await refcheck(dir);
    expect(r.failures).toEqual([]);
    expect(r.out.filter((l) => l.startsWith('PASS tokens '))).toHaveLength(
      readRef('clip_tokens.json').length,
    );
    expect(r.code).toBe(0);
  });

  it('takes the vocabulary from --vocab and --merges', async () => {
    const dir = folder({ 'clip_tokens.json': ref('clip_tokens.json') });
    const vocab = join(referenceDir, 'clip_vocab.json');
    const r = await refcheck(dir, '--vocab', vocab, `--merges=${join(referenceDir, 'clip_merges.txt')}`);
    expect(r.failures).toEqual([]);
    expect(r.code).toBe(0);
  });

  if (schedulerCheckerWritten) {
    it('passes every case of every reference file, schedulers included', async () => {
      const r = await refcheck(referenceDir);
      expect(r.failures).toEqual([]);
      const total = ['torch_randn.json', 'schedulers.json', 'clip_tokens.json'].reduce(
        (n, f) => n + readRef(f).length,
        0,
      );
      expect(r.out.at(-1)).toBe(`${total} passed, 0 failed`);
      expect(r.code).toBe(0);
    });
  } else {
    it.skip('scheduler cases: renderer/refcheck/scheduler-cases.ts is still a stand-in', () => {});
  }

  it('reads every scheduler case, non-finite config values included, into one line each', async () => {
    const r = await refcheck(folder({ 'schedulers.json': ref('schedulers.json') }));
    expect(r.out).toHaveLength(readRef('schedulers.json').length + 1);
    expect(r.out.join('\n')).not.toMatch(/cannot read as JSON/);
  });

  it('reports a corrupted randn value as FAIL and exits 1', async () => {
    const cases = readRef('torch_randn.json') as { values?: number[]; seed: number; shape: number[] }[];
    const target = cases.findIndex((c) => c.values && c.values.length > 20);
    cases[target].values![20] += 1e-3;
    const r = await refcheck(folder({ 'torch_randn.json': JSON.stringify(cases) }));
    expect(r.failures).toHaveLength(1);
    const shape = cases[target].shape.join(',');
    expect(r.failures[0]).toMatch(
      new RegExp(
        `^FAIL randn seed=${cases[target].seed} shape=\\[${shape}\\] max_err=1\\.0\\de-3 values\\[20\\]`,
      ),
    );
    expect(r.out.at(-1)).toBe(`${cases.length - 1} passed, 1 failed`);
    expect(r.code).toBe(1);
  });

  it('reports a corrupted sum and a changed token id as FAIL', async () => {
    const randn = readRef('torch_randn.json') as { sum: number }[];
    randn[0].sum += 0.1;
    const tokens = readRef('clip_tokens.json') as { input_ids: number[] }[];
    tokens[0].input_ids[2] += 1;
    const dir = folder({
      'torch_randn.json': JSON.stringify(randn),
      'clip_tokens.json': JSON.stringify(tokens),
      'clip_vocab.json': ref('clip_vocab.json'),
      'clip_merges.txt': ref('clip_merges.txt'),
    });
    const r = await refcheck(dir);
    expect(r.failures).toHaveLength(2);
    expect(r.failures[0]).toMatch(/^FAIL randn .* sum = .*, expected/);
    expect(r.failures[1]).toMatch(/^FAIL tokens .* max_err=1 first difference at position 2/);
    expect(r.code).toBe(1);
  });
});

describe('refcheck on malformed input', () => {
  it('exits 2 on usage errors', async () => {
    expect((await refcheck()).code).toBe(2);
    expect((await refcheck(join(tmpdir(), 'no-such-reference-folder'))).code).toBe(2);
    const empty = await refcheck(folder({ 'other.json': '[]' }));
    expect(empty.code).toBe(2);
    expect(empty.err[0]).toMatch(/none of torch_randn\.json, schedulers\.json, clip_tokens\.json/);
    expect((await refcheck(folder({ 'torch_randn.json': '[]' }), '--bogus')).code).toBe(2);
    expect((await refcheck(folder({ 'torch_randn.json': '[]' }), '--vocab')).code).toBe(2);
  });

  it('reports a missing vocabulary as a FAIL line naming the file', async () => {
    const r = await refcheck(folder({ 'clip_tokens.json': '[{"prompt": "a", "input_ids": [1]}]' }));
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/^FAIL tokens .*clip_vocab\.json: missing.*--vocab/);
    expect(r.code).toBe(1);
  });

  it('reports unreadable files and invalid cases instead of crashing', async () => {
    const dir = folder({
      'torch_randn.json': JSON.stringify([
        { seed: 1, shape: [2, 'x'] },
        { seed: 1, shape: [2], numel: 2 },
      ]),
      'schedulers.json': '{"not": "a list"}',
      'clip_tokens.json': '[{"prompt": 5}',
    });
    const r = await refcheck(dir);
    expect(r.out).toEqual([
      'FAIL randn case #0 max_err=NaN invalid case: "shape" must be a list of non-negative integers',
      'FAIL randn case #1 max_err=NaN invalid case: "first" must be a list of numbers',
      expect.stringMatching(/^FAIL scheduler max_err=NaN .*schedulers\.json: expected a JSON list of cases$/),
      expect.stringMatching(/^FAIL tokens max_err=NaN .*clip_tokens\.json: cannot read as JSON/),
      '0 passed, 4 failed',
    ]);
    expect(r.code).toBe(1);
  });
});

describe('parsePythonJson', () => {
  it('accepts the non-finite numbers Python writes and leaves strings alone', () => {
    expect(
      parsePythonJson('{"a": -Infinity, "b": [NaN, Infinity, 1e3], "c": "NaN -Infinity \\" NaN"}'),
    ).toEqual({
      a: Number.NEGATIVE_INFINITY,
      b: [Number.NaN, Number.POSITIVE_INFINITY, 1000],
      c: 'NaN -Infinity " NaN',
    });
    expect(() => parsePythonJson('{"a": nan}')).toThrow(SyntaxError);
  });
});
