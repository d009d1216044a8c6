// The toy tokenizer in CLIP's Hugging Face layout: every byte symbol (and its word-end form), so any
// text tokenizes, plus merges that make each known word one token. Merges are checked with the real
// tokenizer and extended until every known word comes out whole.
import { BYTE_TO_CHAR } from '../../renderer/tokenizer/byte-unicode-map.ts';
import { ClipTokenizer } from '../../renderer/tokenizer/clip-tokenizer.ts';

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';

export interface TokenizerFiles {
  vocab: Record<string, number>;
  merges: [string, string][];
  wordIds: Map<string, number>;
}

export function buildTokenizerFiles(words: readonly string[]): TokenizerFiles {
  const vocab: Record<string, number> = {};
  let next = 0;
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = next++;
  };
  for (const ch of BYTE_TO_CHAR) add(ch);
  for (const ch of BYTE_TO_CHAR) add(`${ch}</w>`);
  const merges: [string, string][] = [];
  const seen = new Set<string>();
  const addMerge = (a: string, b: string) => {
    const key = `${a} ${b}`;
    if (seen.has(key)) return;
    seen.add(key);
    merges.push([a, b]);
    add(a + b);
  };
  // Chain each word left to right from what the tokenizer currently makes of it, until it is whole.
  for (let round = 0; round < 20; round++) {
    const tokenizer = new ClipTokenizer({ ...vocab, [BOS]: next, [EOS]: next + 1 }, merges);
    const byId = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));
    let changed = false;
    for (const word of words) {
      const ids = tokenizer.tokenize(word);
      if (ids.length === 1) continue;
      const symbols = ids.map((id) => byId.get(id)!);
      let acc = symbols[0];
      for (const s of symbols.slice(1)) {
        addMerge(acc, s);
        acc += s;
      }
      changed = true;
    }
    if (!changed) break;
  }
  add(BOS);
  add(EOS);
  const tokenizer = new ClipTokenizer(vocab, merges);
  const wordIds = new Map<string, number>();
  for (const word of words) {
    const ids = tokenizer.tokenize(word);
    if (ids.length !== 1) throw new Error(`toy tokenizer: "${word}" is ${ids.length} tokens`);
    wordIds.set(word, ids[0]);
  }
  return { vocab, merges, wordIds };
}
