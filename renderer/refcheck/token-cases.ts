// Checks cases of clip_tokens.json: each prompt must encode to exactly the listed ids.
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import type { CaseResult } from './case-result.ts';

/** Longest prompt excerpt shown in a case name. */
const NAME_PROMPT_CHARS = 48;

/** `maxErr` is the number of positions whose id differs (ids must match exactly). */
export function checkTokenCase(raw: unknown, tokenizer: ClipTokenizer, index = 0): CaseResult {
  const parsed = parseTokenCase(raw);
  if (typeof parsed === 'string') {
    return {
      name: `tokens case #${index}`,
      pass: false,
      maxErr: Number.NaN,
      detail: `invalid case: ${parsed}`,
    };
  }
  const { prompt, inputIds } = parsed;
  const name = `tokens ${JSON.stringify(shorten(prompt))}`;
  const ids = tokenizer.encode(prompt).ids;
  let differing = Math.abs(ids.length - inputIds.length);
  let firstDiff = -1;
  for (let i = 0; i < Math.min(ids.length, inputIds.length); i++) {
    if (ids[i] !== inputIds[i]) {
      differing++;
      if (firstDiff < 0) firstDiff = i;
    }
  }
  if (differing === 0) return { name, pass: true, maxErr: 0 };
  const problems: string[] = [];
  if (ids.length !== inputIds.length) problems.push(`got ${ids.length} ids, expected ${inputIds.length}`);
  if (firstDiff >= 0) {
    problems.push(
      `first difference at position ${firstDiff}: got ${ids[firstDiff]}, expected ${inputIds[firstDiff]}`,
    );
  }
  return { name, pass: false, maxErr: differing, detail: problems.join('; ') };
}

function parseTokenCase(raw: unknown): { prompt: string; inputIds: number[] } | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected an object';
  const o = raw as Record<string, unknown>;
  if (typeof o['prompt'] !== 'string') return '"prompt" must be a string';
  const ids = o['input_ids'];
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id >= 0)) {
    return '"input_ids" must be a list of non-negative integers';
  }
  return { prompt: o['prompt'], inputIds: ids as number[] };
}

function shorten(prompt: string): string {
  return prompt.length <= NAME_PROMPT_CHARS ? prompt : `${prompt.slice(0, NAME_PROMPT_CHARS - 1)}\u2026`;
}
