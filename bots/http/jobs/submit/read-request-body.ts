// Reads a request body as a plain object: JSON, or multipart/form-data whose text fields are the JSON
// fields (objects such as `params` as JSON text) and whose files are pictures. Too deep a nesting is
// refused before anything is parsed.
import { ValidationError } from '../../../../core/errors.ts';
import { ApiError } from '../../errors/api-error.ts';

export interface RequestBody {
  fields: unknown;
  files: Record<string, Blob>;
}

/** Multipart fields holding JSON text, and fields that may repeat (or be comma-separated). */
const JSON_FIELDS = new Set(['params', 'parent']);
const LIST_FIELDS = new Set(['callbackEvents']);

export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '')
    throw new ApiError(400, 'invalid_json', 'the request body is empty: send a JSON object');
  if (jsonDepthOver(text)) throw new ApiError(400, 'invalid_json', `the request body ${tooDeepText()}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON (${(err as Error).message})`);
  }
}

async function readMultipart(request: Request): Promise<RequestBody> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ApiError(400, 'invalid_multipart', 'the multipart/form-data body could not be read');
  }
  const fields: Record<string, unknown> = {};
  const files: Record<string, Blob> = {};
  const problems: { field: string; problem: string }[] = [];
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    if (LIST_FIELDS.has(name)) {
      fields[name] = values.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : []));
      continue;
    }
    if (values.length > 1) {
      problems.push({ field: name, problem: 'is given more than once' });
      continue;
    }
    const value = values[0];
    if (typeof value !== 'string') files[name] = value;
    else if (JSON_FIELDS.has(name)) {
      if (jsonDepthOver(value)) {
        problems.push({ field: name, problem: tooDeepText() });
        continue;
      }
      try {
        fields[name] = JSON.parse(value);
      } catch {
        problems.push({ field: name, problem: 'must be JSON text in a multipart field' });
      }
    } else fields[name] = value;
  }
  if (problems.length > 0) throw new ValidationError(problems, 'invalid form');
  return { fields, files };
}

/** The body as fields and files; JSON unless the content type says multipart. */
export async function readRequestBody(request: Request): Promise<RequestBody> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return readMultipart(request);
  if (type === '' || type.startsWith('application/json') || /^application\/[\w.+-]*\+json/.test(type)) {
    return { fields: await readJson(request), files: {} };
  }
  throw new ApiError(415, 'unsupported_media_type', 'send application/json or multipart/form-data');
}

// JSON nested deeper than any request needs is refused before it is parsed: deep values overflow the
// stack of whatever walks them later (validation, error messages, re-serialising).
export const MAX_JSON_DEPTH = 64;

/** How deep the text's arrays and objects nest, stopping early once past `max` (strings skipped). */
export function jsonDepthOver(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/** The problem text, reading on from what was nested ("the request body ..."). */
export function tooDeepText(max = MAX_JSON_DEPTH): string {
  return `nests arrays and objects more than ${max} levels deep: send at most ${max} levels`;
}
