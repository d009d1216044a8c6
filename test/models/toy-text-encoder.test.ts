// The toy tokenizer files through the real CLIP tokenizer, and the toy text encoder on its session.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { CENTRE_LEAN } from '../../models/toy-model/build-toy-model.ts';
import { knownWords, MEANINGS, POSITIONS } from '../../models/toy-model/vocabulary.ts';
import { BYTE_TO_CHAR } from '../../renderer/tokenizer/byte-unicode-map.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { openToy, type ToySessions } from './toy-sessions.ts';

let toy: ToySessions;
let width: number;
beforeAll(async () => {
  toy = await openToy(path.join(await testModels(), 'toy'));
  width = toy.textEncoder.outputMetadata[0].isTensor
    ? (toy.textEncoder.outputMetadata[0].shape[2] as number)
    : Number.NaN;
});

async function states(ids: Int32Array): Promise<{ hidden: Float32Array; pooled: Float32Array }> {
  const out = await toy.textEncoder.run({ input_ids: new ort.Tensor('int32', ids, [1, ids.length]) });
  return {
    hidden: out.last_hidden_state.data as Float32Array,
    pooled: out.pooler_output.data as Float32Array,
  };
}

const row = (hidden: Float32Array, i: number) => Array.from(hidden.subarray(i * width, (i + 1) * width));
/** A word's row: 1 on its meaning, and for words other than positions a small lean to the centre. */
const oneHot = (meaning: string): number[] =>
  Array.from({ length: width }, (_, d) => {
    if (d === MEANINGS.indexOf(meaning)) return 1;
    const leans = !(POSITIONS as readonly string[]).includes(meaning) && d === MEANINGS.indexOf('centre');
    return leans ? Math.fround(CENTRE_LEAN) : 0;
  });

describe('toy tokenizer files', () => {
  it('keeps every known word whole: one token each, also with capitals and punctuation around it', () => {
    for (const word of knownWords().keys()) {
      expect(toy.tokenizer.tokenize(word), word).toHaveLength(1);
      expect(toy.tokenizer.tokenize(`${word.toUpperCase()},`), word).toHaveLength(2);
    }
  });

  it('has CLIP’s layout: 256 byte symbols, their word-end forms, merges, then start and end marks', () => {
    const vocab = JSON.parse(readFileSync(path.join(toy.dir, 'tokenizer', 'vocab.json'), 'utf8')) as Record<
      string,
      number
    >;
    BYTE_TO_CHAR.forEach((ch, b) => {
      expect(vocab[ch]).toBe(b);
      expect(vocab[`${ch}</w>`]).toBe(256 + b);
    });
    const size = Object.keys(vocab).length;
    expect(vocab['<|startoftext|>']).toBe(size - 2);
    expect(vocab['<|endoftext|>']).toBe(size - 1);
    const merges = readFileSync(path.join(toy.dir, 'tokenizer', 'merges.txt'), 'utf8').split('\n');
    expect(merges[0]).toMatch(/^#version/);
    const config = JSON.parse(readFileSync(path.join(toy.dir, 'tokenizer', 'tokenizer_config.json'), 'utf8'));
    expect(config.model_max_length).toBe(77);
  });

  it('tokenizes any text into known ids, unknown words as several byte tokens', () => {
    const ids = toy.tokenizer.tokenize('Zürich ☃ 42 emoji 🎨 and a RED circle');
    expect(ids.length).toBeGreaterThan(10);
    expect(ids).not.toContain(toy.tokenizer.eosId);
    expect(toy.tokenizer.decode(ids)).toBe('zürich ☃ 4 2 emoji 🎨 and a red circle');
  });
});

describe('toy text encoder', () => {
  it('gives zero rows for start, end, padding and meaningless words, and the meaning row for each known word', async () => {
    const encoding = toy.tokenizer.encode('a red circle on a blue sky');
    expect(encoding.ids).toHaveLength(77);
    const { hidden, pooled } = await states(encoding.ids);
    const meaningOf = new Map(
      [...knownWords()].map(([word, meaning]) => [toy.tokenizer.tokenize(word)[0], meaning]),
    );
    // bos, a, red, circle, o, n, a, blue, sky, eos, pad...: "on" is not a word the model knows.
    const seen: string[] = [];
    encoding.ids.forEach((id, i) => {
      const meaning = meaningOf.get(id);
      if (meaning) seen.push(meaning);
      expect(row(hidden, i), `position ${i}`).toEqual(meaning ? oneHot(meaning) : new Array(width).fill(0));
    });
    expect(seen).toEqual(['red', 'circle', 'blue', 'sky']);
    expect(encoding.ids[0]).toBe(toy.tokenizer.bosId);
    expect(encoding.ids[76]).toBe(toy.tokenizer.padId);
    // pooler_output is the sum of the rows: the prompt's key.
    const sum = ['red', 'circle', 'blue', 'sky'].map(oneHot).reduce((a, b) => a.map((v, d) => v + b[d]));
    for (const [d, v] of Array.from(pooled).entries()) expect(v).toBeCloseTo(sum[d], 5);
  });

  it('gives synonyms their meaning’s row and an empty prompt all zeros', async () => {
    for (const [word, meaning] of knownWords()) {
      const { hidden } = await states(toy.tokenizer.encode(word).ids);
      expect(row(hidden, 1), word).toEqual(oneHot(meaning));
    }
    const empty = await states(toy.tokenizer.encode('').ids);
    expect(empty.hidden.every((v) => v === 0)).toBe(true);
  });
});
