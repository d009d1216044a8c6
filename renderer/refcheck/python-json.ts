// JSON as Python's json module writes it, which may contain the bare words NaN, Infinity and
// -Infinity (diffusers configs do, e.g. lambda_min_clipped = -inf). JSON.parse rejects those.
import { randomUUID } from 'node:crypto';

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

export function parsePythonJson(text: string): unknown {
  // Each bare word outside strings becomes a string holding a one-off marker, turned back by the reviver.
  const marker = `\u0000${randomUUID()}:`;
  let rewritten = '';
  let changed = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      rewritten += text.slice(i, end);
      i = end;
      continue;
    }
    const word = /^(?:-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[0];
    if (word) {
      rewritten += JSON.stringify(marker + word);
      changed = true;
      i += word.length;
      continue;
    }
    rewritten += ch;
    i++;
  }
  if (!changed) return JSON.parse(text);
  return JSON.parse(rewritten, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(marker) ? NON_FINITE[value.slice(marker.length)] : value,
  );
}

/** Index just past the string literal opening at `start` (or the text's end if unterminated). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}
