// The toy tokenizer files through the real CLIP tokenizer, and the toy text encoder on its session.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SLOT_BLOCK, STATE } from '../../models/toy-model/token-states.ts';
import { BACKGROUNDS, COLOURS, knownWords, SHAPES, SYNONYMS } from '../../models/toy-model/vocabulary.ts';
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

/** The summed token states of a prompt, read back as words: "left:red", "centre:named", "background:sky", "anywhere:circle". */
async function said(prompt: string): Promise<string[]> {
  const { pooled } = await states(toy.tokenizer.encode(prompt).ids);
  const names = new Array<string>(width).fill('');
  ['left', 'centre', 'right'].forEach((slot, j) => {
    names[STATE.slot(j)] = `${slot}:named`;
    COLOURS.forEach((c, i) => {
      names[STATE.slot(j) + 1 + i] = `${slot}:${c}`;
    });
    SHAPES.forEach((c, i) => {
      names[STATE.slot(j) + 1 + COLOURS.length + i] = `${slot}:${c}`;
    });
  });
  BACKGROUNDS.forEach((b, i) => {
    names[STATE.background + i] = `background:${b}`;
  });
  [...COLOURS, ...SHAPES].forEach((c, i) => {
    names[STATE.anywhere + i] = `anywhere:${c}`;
  });
  const out: string[] = [];
  for (const [d, v] of Array.from(pooled).entries()) {
    if (Math.abs(v) < 1e-6) continue;
    out.push(Math.abs(v - 1) < 1e-6 ? names[d] : `${names[d]}=${v.toFixed(2)}`);
  }
  return out.sort();
}

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
  it('gives zero rows for start, end, padding and meaningless words, and sums its rows as pooler_output', async () => {
    const encoding = toy.tokenizer.encode('a red circle on a blue sky');
    expect(encoding.ids).toHaveLength(77);
    const { hidden, pooled } = await states(encoding.ids);
    const meaningful = new Set(['red', 'circle', 'sky'].map((w) => toy.tokenizer.tokenize(w)[0]));
    encoding.ids.forEach((id, i) => {
      const row = Array.from(hidden.subarray(i * width, (i + 1) * width));
      expect(
        row.some((v) => v !== 0),
        `position ${i}`,
      ).toBe(meaningful.has(id));
    });
    expect(encoding.ids[0]).toBe(toy.tokenizer.bosId);
    expect(encoding.ids[76]).toBe(toy.tokenizer.padId);
    for (let d = 0; d < width; d++) {
      let sum = 0;
      for (let i = 0; i < 77; i++) sum += hidden[i * width + d];
      expect(pooled[d]).toBeCloseTo(sum, 5);
    }
    const empty = await states(toy.tokenizer.encode('').ids);
    expect(empty.hidden.every((v) => v === 0)).toBe(true);
  });

  it('puts a lone object in the centre; a colour before a background word describes the background', async () => {
    expect(await said('a red circle on a blue sky')).toEqual(
      [
        'anywhere:circle',
        'anywhere:red',
        'background:sky',
        'centre:circle',
        'centre:named',
        'centre:red',
      ].sort(),
    );
  });

  it('binds colour and shape to the position said with them, in either order and across clauses', async () => {
    expect(await said('a yellow circle left and a red square right')).toEqual(
      [
        'anywhere:circle',
        'anywhere:red',
        'anywhere:square',
        'anywhere:yellow',
        'left:circle',
        'left:named',
        'left:yellow',
        'right:named',
        'right:red',
        'right:square',
      ].sort(),
    );
    expect(await said('a red square left and a yellow circle right')).toContain('left:red');
    expect(await said('left a yellow ball, right a red box')).toEqual(
      await said('a yellow circle left and a red square right'),
    );
    // A position on its own clause belongs to the phrase before it.
    expect(await said('a red circle on a blue sky, left')).toEqual(
      ['anywhere:circle', 'anywhere:red', 'background:sky', 'left:circle', 'left:named', 'left:red'].sort(),
    );
  });

  it('places phrases without a position by their count, and a bare colour in no slot', async () => {
    const two = await said('a purple circle and a pink square, sea');
    expect(two).toContain('left:purple');
    expect(two).toContain('right:pink');
    expect(two.filter((w) => w.startsWith('centre:'))).toEqual([]);
    const three = await said('a red circle, a green square and a blue triangle');
    for (const w of ['left:red', 'centre:green', 'right:blue']) expect(three).toContain(w);
    expect(await said('red')).toEqual(['anywhere:red']);
    // Without any object word, a position asks for something there.
    expect(await said('left')).toEqual(['left:named']);
  });

  it('gives synonyms their meaning', async () => {
    for (const [word, meaning] of Object.entries(SYNONYMS))
      expect(await said(`a ${word}`), word).toEqual(await said(`a ${meaning}`));
    expect(SLOT_BLOCK).toBe(1 + COLOURS.length + SHAPES.length);
  });
});
