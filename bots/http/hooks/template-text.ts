// The tiny template language of hooks: text with `{{ path.to.field }}` and `{{ path | default: 'x' }}`.
// Parsed once into pieces and filled in by reading the payload: nothing in a template is ever run.

export type TemplatePiece =
  | { kind: 'text'; text: string }
  | { kind: 'field'; path: string[]; fallback?: string; source: string };

export const MAX_TEMPLATE_CHARS = 2000;
export const MAX_TEMPLATE_FIELDS = 32;

const PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const FILTER = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*([\s\S]*))?$/;
const LITERAL = /^(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))$/;

/** The pieces of one template, or the problem with it in words that follow the field name. */
export function parseTemplate(template: string): { pieces: TemplatePiece[] } | { problem: string } {
  if (template.length > MAX_TEMPLATE_CHARS) {
    return { problem: `is longer than ${MAX_TEMPLATE_CHARS} characters` };
  }
  const pieces: TemplatePiece[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    if (open < 0) {
      pieces.push({ kind: 'text', text: template.slice(at) });
      break;
    }
    if (open > at) pieces.push({ kind: 'text', text: template.slice(at, open) });
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return { problem: `has a {{ at character ${open + 1} without a closing }}` };
    const parsed = parseField(template.slice(open + 2, close));
    if ('problem' in parsed) return parsed;
    pieces.push(parsed);
    at = close + 2;
  }
  if (pieces.filter((p) => p.kind === 'field').length > MAX_TEMPLATE_FIELDS) {
    return { problem: `uses more than ${MAX_TEMPLATE_FIELDS} {{ }} fields` };
  }
  return { pieces };
}

function parseField(inner: string): TemplatePiece | { problem: string } {
  const source = `{{${inner}}}`;
  const bar = inner.indexOf('|');
  const path = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  if (!PATH.test(path)) {
    return { problem: `has ${source}, which is not a field path like issue.title or items.0.name` };
  }
  if (bar < 0) return { kind: 'field', path: path.split('.'), source };
  const filter = FILTER.exec(inner.slice(bar + 1).trim());
  if (filter?.[1] !== 'default') {
    const name = filter?.[1] ?? inner.slice(bar + 1).trim();
    return {
      problem: `has ${source}, whose filter ${JSON.stringify(name)} is unknown: only default: is supported`,
    };
  }
  const literal = LITERAL.exec((filter[2] ?? '').trim());
  if (!literal) {
    return {
      problem: `has ${source}, whose default: needs a quoted text or a number, e.g. default: 'blurry'`,
    };
  }
  const fallback = literal[1] ?? literal[2] ?? literal[3];
  return { kind: 'field', path: path.split('.'), fallback, source };
}

/**
 * The value at a path of a JSON payload as text: strings as they are, numbers and booleans written out.
 * Only own properties are read (no `__proto__` or `constructor`), arrays by index; anything missing,
 * null, or not a single value (an object, an array) is undefined.
 */
export function readPath(payload: unknown, path: readonly string[]): string | undefined {
  let current: unknown = payload;
  for (const segment of path) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  if (typeof current === 'string') return current;
  if ((typeof current === 'number' && Number.isFinite(current)) || typeof current === 'boolean') {
    return String(current);
  }
  return undefined;
}

/**
 * The template filled in from the payload; a missing or empty value gives its default or nothing.
 * At most `maxChars` characters come out, however long the payload's strings are.
 */
export function fillTemplate(pieces: readonly TemplatePiece[], payload: unknown, maxChars: number): string {
  let out = '';
  for (const piece of pieces) {
    if (out.length > maxChars) break;
    if (piece.kind === 'text') {
      out += piece.text;
      continue;
    }
    const value = readPath(payload, piece.path);
    out += value === undefined || value === '' ? (piece.fallback ?? '') : value.slice(0, maxChars + 1);
  }
  return cutAt(out, maxChars);
}

/** The first `max` UTF-16 units, as string lengths are checked, without splitting a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
