// Adds whole-word tokens to a built toy tokenizer without moving the ids it has: new symbols get
// ids after the last one, with the merges that make each new word one token.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClipTokenizer } from '../../renderer/tokenizer/clip-tokenizer.ts';

/** Returns the id of each added word; the folder's vocab.json and merges.txt are rewritten. */
export function extendTokenizer(tokenizerDir: string, words: readonly string[]): Map<string, number> {
  const vocabFile = path.join(tokenizerDir, 'vocab.json');
  const mergesFile = path.join(tokenizerDir, 'merges.txt');
  const vocab = JSON.parse(readFileSync(vocabFile, 'utf8')) as Record<string, number>;
  const merges = readFileSync(mergesFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(' ') as [string, string]);
  let next = Math.max(...Object.values(vocab)) + 1;
  for (let round = 0; round < 40; round++) {
    const tokenizer = new ClipTokenizer(vocab, merges);
    const byId = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));
    let changed = false;
    for (const word of words) {
      const ids = tokenizer.tokenize(word);
      if (ids.length === 1) continue;
      // One merge a round, of the word's first two symbols, so earlier merges keep their priority.
      const [a, b] = [byId.get(ids[0])!, byId.get(ids[1])!];
      merges.push([a, b]);
      if (!(a + b in vocab)) vocab[a + b] = next++;
      changed = true;
    }
    if (!changed) break;
  }
  const tokenizer = new ClipTokenizer(vocab, merges);
  const ids = new Map<string, number>();
  for (const word of words) {
    const got = tokenizer.tokenize(word);
    if (got.length !== 1) throw new Error(`toy-video tokenizer: "${word}" is ${got.length} tokens`);
    ids.set(word, got[0]);
  }
  writeFileSync(vocabFile, `${JSON.stringify(vocab, null, 2)}\n`);
  writeFileSync(mergesFile, `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`);
  return ids;
}
