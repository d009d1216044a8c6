// Reads the configured API keys: `API_KEYS='ci:<sha256 hex>,alice:scrypt$...'` for the simple case, or a
// JSON array of records for owners, quotas and rate limits. Every problem is reported, none of them fatal
// on its own, so one start-up shows all there is to fix.
import { z } from 'zod';
import { type FieldProblem, ValidationError } from '../../../core/errors.ts';
import { problemsFromZod } from '../../../core/job/zod-problems.ts';
import { parseKeyHash } from './api-key-hash.ts';
import type { ApiKeyRecord } from './api-key-record.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const positiveInt = z.number().int('must be a whole number').min(1, 'must be at least 1');

const RecordSchema = z
  .object({
    name: z.string().regex(NAME, 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)'),
    keyHash: z.string().refine((h) => parseKeyHash(h) !== undefined, {
      message:
        'must be the sha256 hex of the key or a scrypt$... hash made by hashApiKey, never the key itself',
    }),
    owner: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
    quota: z
      .object({ jobsPerDay: positiveInt.optional(), maxConcurrent: positiveInt.optional() })
      .strict()
      .optional(),
    rateLimit: z.object({ perMinute: positiveInt }).strict().optional(),
    admin: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

/** Records from a value already parsed from JSON (an array of objects). */
export function apiKeysFromConfig(value: unknown, field = 'API_KEYS'): ApiKeyRecord[] {
  const parsed = z
    .array(RecordSchema, { error: 'must be a list of API key records' })
    .safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error).map(({ value, ...p }) => ({
      ...p,
      field: prefixed(field, p.field),
      // A bad keyHash may be a key pasted where its hash belongs: never echo it.
      ...(p.field.endsWith('keyHash') || value === undefined ? {} : { value }),
    }));
    throw new ValidationError(problems);
  }
  const records = parsed.data.map((r) => ({
    ...r,
    keyHash: r.keyHash.startsWith('scrypt$') ? r.keyHash : r.keyHash.toLowerCase(),
    owner: r.owner ?? `key:${r.name}`,
  }));
  const problems = duplicates(records, field);
  if (problems.length > 0) throw new ValidationError(problems);
  return records;
}

/** Records from the environment variable's text: a JSON array, or `name:hash` pairs by comma or line. */
export function parseApiKeys(text: string | undefined, field = 'API_KEYS'): ApiKeyRecord[] {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      throw new ValidationError([{ field, problem: `is not valid JSON (${(err as Error).message})` }]);
    }
    return apiKeysFromConfig(value, field);
  }
  const problems: FieldProblem[] = [];
  const pairs = trimmed
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      if (colon < 0) {
        // The entry is not echoed: it may be a key pasted where its hash belongs.
        problems.push({
          field: `${field}.${i}`,
          problem: 'must be name:hash, e.g. ci:<sha256 hex of the key>',
        });
      }
      return { name: entry.slice(0, colon).trim(), keyHash: entry.slice(colon + 1).trim() };
    });
  if (problems.length > 0) throw new ValidationError(problems);
  return apiKeysFromConfig(pairs, field);
}

function prefixed(field: string, path: string): string {
  return path === 'job' ? field : `${field}.${path}`;
}

/** Two records with one name, or one key under two names, make "which key is this" ambiguous. */
function duplicates(records: ApiKeyRecord[], field: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  records.forEach((r, i) => {
    if (names.has(r.name))
      problems.push({ field: `${field}.${i}.name`, value: r.name, problem: 'is used twice' });
    if (hashes.has(r.keyHash))
      problems.push({ field: `${field}.${i}.keyHash`, problem: 'is the same key as another record' });
    names.add(r.name);
    hashes.add(r.keyHash);
  });
  return problems;
}
