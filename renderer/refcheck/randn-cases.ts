// Checks one case of torch_randn.json: two successive draws from one seeded generator against the
// values torch.randn gave.
import { TorchGenerator } from '../rng/torch-generator.ts';
import type { CaseResult } from './case-result.ts';

/** Per-element tolerance: torch evaluates log/sin/cos in float32, we in float64 then round. */
const ELEMENT_TOLERANCE = 1e-5;
const SUM_TOLERANCE = 0.05;
/** Keeps a corrupt shape from exhausting memory; far above any latent size. */
const MAX_NUMEL = 2 ** 26;

interface RandnCase {
  seed: number | bigint;
  shape: number[];
  numel: number;
  first: number[];
  secondFirst: number[];
  sum: number;
  sumsq: number;
  secondSum: number;
  values?: number[];
}

export function checkRandnCase(raw: unknown, index = 0): CaseResult {
  const parsed = parseRandnCase(raw);
  if (typeof parsed === 'string') {
    return {
      name: `randn case #${index}`,
      pass: false,
      maxErr: Number.NaN,
      detail: `invalid case: ${parsed}`,
    };
  }
  const c = parsed;
  const name = `randn seed=${c.seed} shape=[${c.shape.join(',')}]`;
  const generator = new TorchGenerator(c.seed);
  const first = generator.randn(c.shape);
  const second = generator.randn(c.shape);
  const problems: string[] = [];
  let maxErr = 0;
  const compare = (label: string, actual: Float32Array, expected: readonly number[]) => {
    const { err, at } = largestDifference(actual, expected);
    maxErr = Math.max(maxErr, err);
    if (err > ELEMENT_TOLERANCE) {
      problems.push(
        `${label}[${at}] = ${actual[at]}, expected ${expected[at]} (tolerance ${ELEMENT_TOLERANCE})`,
      );
    }
  };
  compare('first', first, c.first);
  compare('second_first', second, c.secondFirst);
  if (c.values) compare('values', first, c.values);
  const sums: [string, number, number][] = [
    ['sum', total(first, false), c.sum],
    ['sumsq', total(first, true), c.sumsq],
    ['second_sum', total(second, false), c.secondSum],
  ];
  for (const [label, actual, expected] of sums) {
    if (!(Math.abs(actual - expected) <= SUM_TOLERANCE)) {
      problems.push(`${label} = ${actual}, expected ${expected} (tolerance ${SUM_TOLERANCE})`);
    }
  }
  return problems.length === 0
    ? { name, pass: true, maxErr }
    : { name, pass: false, maxErr, detail: problems.join('; ') };
}

function largestDifference(actual: Float32Array, expected: readonly number[]): { err: number; at: number } {
  let err = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    // A NaN difference must count as a failure, so it is taken as infinitely large.
    const size = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
    if (size > err) {
      err = size;
      at = i;
    }
  }
  return { err, at };
}

/** Sums in float64, as the reference did. */
function total(values: Float32Array, squares: boolean): number {
  let s = 0;
  for (const v of values) s += squares ? v * v : v;
  return s;
}

/** The case, or what is wrong with it. */
function parseRandnCase(raw: unknown): RandnCase | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected an object';
  const o = raw as Record<string, unknown>;
  const seed = parseSeed(o['seed']);
  if (seed === undefined) return '"seed" must be an integer (or a string of digits) in [-2^63, 2^64 - 1]';
  const shape = o['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return '"shape" must be a list of non-negative integers';
  }
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (numel > MAX_NUMEL) return `the shape has ${numel} elements, more than ${MAX_NUMEL}`;
  if (o['numel'] !== numel)
    return `"numel" must be ${numel}, the product of the shape, got ${JSON.stringify(o['numel'])}`;
  const lists: Record<string, number[]> = {};
  for (const key of ['first', 'second_first', 'values']) {
    const list = o[key];
    if (list === undefined && key === 'values') continue;
    if (!isNumberList(list)) return `"${key}" must be a list of numbers`;
    if (list.length > numel) return `"${key}" has ${list.length} values, more than numel ${numel}`;
    lists[key] = list;
  }
  for (const key of ['sum', 'sumsq', 'second_sum']) {
    if (typeof o[key] !== 'number') return `"${key}" must be a number`;
  }
  return {
    seed,
    shape: shape as number[],
    numel,
    first: lists['first'],
    secondFirst: lists['second_first'],
    values: lists['values'],
    sum: o['sum'] as number,
    sumsq: o['sumsq'] as number,
    secondSum: o['second_sum'] as number,
  };
}

function parseSeed(value: unknown): number | bigint | undefined {
  let seed: bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value)) seed = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) seed = BigInt(value);
  else return undefined;
  return seed >= -(2n ** 63n) && seed < 2n ** 64n ? seed : undefined;
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
