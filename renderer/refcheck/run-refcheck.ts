// The reference check behind `npm run refcheck -- DIR`: runs every case of the reference files found
// in DIR and prints one line each, then a summary. Returns the exit code instead of exiting.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import { readMergesFile, readVocabFile } from '../tokenizer/read-tokenizer-folder.ts';
import type { CaseResult } from './case-result.ts';
import { parsePythonJson } from './python-json.ts';
import { checkRandnCase } from './randn-cases.ts';
import { checkSchedulerCase } from './scheduler-cases.ts';
import { checkTokenCase } from './token-cases.ts';

export const USAGE = 'usage: npm run refcheck -- DIR [--vocab FILE] [--merges FILE]';

export interface RefcheckOptions {
  dir: string;
  /** CLIP vocabulary for the token cases; default DIR/clip_vocab.json. */
  vocab?: string;
  /** CLIP merges for the token cases; default DIR/clip_merges.txt. */
  merges?: string;
}

export interface RefcheckOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A problem with how the check was asked for (exit code 2), as opposed to a failing case. */
export class RefcheckUsageError extends Error {}

type CaseChecker = (c: unknown, index: number) => CaseResult;

interface ReferenceKind {
  file: string;
  label: string;
  /** The per-case checker, or a failing result explaining why none can be built. */
  checker: (options: RefcheckOptions) => Promise<CaseChecker | CaseResult>;
}

const KINDS: readonly ReferenceKind[] = [
  { file: 'torch_randn.json', label: 'randn', checker: async () => checkRandnCase },
  { file: 'schedulers.json', label: 'scheduler', checker: async () => (c) => checkSchedulerCase(c) },
  { file: 'clip_tokens.json', label: 'tokens', checker: tokenChecker },
];

export async function runRefcheck(argv: readonly string[], output: RefcheckOutput): Promise<number> {
  let results: CaseResult[];
  try {
    const options = parseRefcheckArgs(argv);
    if (options === 'help') {
      output.out(USAGE);
      return 0;
    }
    results = await checkReferenceDir(options);
  } catch (err) {
    if (!(err instanceof RefcheckUsageError)) throw err;
    output.err(err.message);
    output.err(USAGE);
    return 2;
  }
  for (const r of results) output.out(formatResult(r));
  const failed = results.filter((r) => !r.pass).length;
  output.out(`${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

export function parseRefcheckArgs(argv: readonly string[]): RefcheckOptions | 'help' {
  const positional: string[] = [];
  const options: Partial<RefcheckOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const option = /^--(vocab|merges)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? argv[++i];
      if (!value) throw new RefcheckUsageError(`--${option[1]} needs a file`);
      options[option[1] as 'vocab' | 'merges'] = value;
    } else if (arg.startsWith('-')) {
      throw new RefcheckUsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new RefcheckUsageError('give exactly one reference folder');
  return { ...options, dir: positional[0] };
}

/** Results of every case in the reference files present in `options.dir`. */
export async function checkReferenceDir(options: RefcheckOptions): Promise<CaseResult[]> {
  const dir = resolve(options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new RefcheckUsageError(`${dir}: no such folder`);
  const present = KINDS.filter((kind) => existsSync(join(dir, kind.file)));
  if (present.length === 0) {
    throw new RefcheckUsageError(`${dir}: none of ${KINDS.map((k) => k.file).join(', ')} found`);
  }
  const results: CaseResult[] = [];
  for (const kind of present) results.push(...(await checkKind(kind, { ...options, dir })));
  return results;
}

async function checkKind(kind: ReferenceKind, options: RefcheckOptions): Promise<CaseResult[]> {
  const path = join(options.dir, kind.file);
  const fail = (detail: string): CaseResult[] => [
    { name: kind.label, pass: false, maxErr: Number.NaN, detail },
  ];
  let cases: unknown;
  try {
    cases = parsePythonJson(await readFile(path, 'utf8'));
  } catch (err) {
    return fail(`${path}: cannot read as JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(cases)) return fail(`${path}: expected a JSON list of cases`);
  const checker = await kind.checker(options);
  if (typeof checker !== 'function') return [checker];
  return cases.map((c, i) => {
    try {
      return checker(c, i);
    } catch (err) {
      return { name: `${kind.label} case #${i}`, pass: false, maxErr: Number.NaN, detail: `${err}` };
    }
  });
}

async function tokenChecker(options: RefcheckOptions): Promise<CaseChecker | CaseResult> {
  const vocabPath = options.vocab ? resolve(options.vocab) : join(options.dir, 'clip_vocab.json');
  const mergesPath = options.merges ? resolve(options.merges) : join(options.dir, 'clip_merges.txt');
  try {
    const tokenizer = new ClipTokenizer(await readVocabFile(vocabPath), await readMergesFile(mergesPath));
    return (c, i) => checkTokenCase(c, tokenizer, i);
  } catch (err) {
    const hint =
      existsSync(vocabPath) && existsSync(mergesPath) ? '' : ' (give --vocab FILE and --merges FILE)';
    return { name: 'tokens', pass: false, maxErr: Number.NaN, detail: `${(err as Error).message}${hint}` };
  }
}

export function formatResult(r: CaseResult): string {
  const line = `${r.pass ? 'PASS' : 'FAIL'} ${r.name} max_err=${formatError(r.maxErr)}`;
  return r.pass || !r.detail ? line : `${line} ${r.detail}`;
}

function formatError(e: number): string {
  return Number.isInteger(e) || !Number.isFinite(e) ? String(e) : e.toExponential(2);
}
