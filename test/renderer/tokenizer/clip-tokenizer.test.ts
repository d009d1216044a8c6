import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../renderer/tokenizer/clip-tokenizer.ts';

const referenceDir = fileURLToPath(new URL('../../../../shared/reference/', import.meta.url));

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clip-tokenizer-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Every single character alone and word-final, three merges, the two marks and a distinct pad. */
function tinyVocab(): Record<string, number> {
  const tokens = ['<|startoftext|>', '<|endoftext|>', '!'];
  for (const ch of "abcdeilnost'&") tokens.push(ch, `${ch}</w>`);
  tokens.push('ab', 'abc</w>', 'it', 'it</w>', "'s</w>");
  return Object.fromEntries(tokens.map((t, id) => [t, id]));
}
const TINY_MERGES: [string, string][] = [
  ['a', 'b'],
  ['ab', 'c</w>'],
  ['i', 't</w>'],
  ["'", 's</w>'],
  ['i', 't'],
];

function tiny(options: ConstructorParameters<typeof ClipTokenizer>[2] = {}) {
  return { vocab: tinyVocab(), tokenizer: new ClipTokenizer(tinyVocab(), TINY_MERGES, options) };
}

describe('ClipTokenizer on the reference prompts', () => {
  const files = ['clip_tokens.json', 'clip_vocab.json', 'clip_merges.txt'].map((f) => join(referenceDir, f));
  if (!files.every(existsSync)) {
    it.skip(`reference files absent in ${referenceDir}, nothing to compare with`, () => {});
    return;
  }
  const cases = JSON.parse(readFileSync(files[0], 'utf8')) as { prompt: string; input_ids: number[] }[];
  const dir = tempDir();
  copyFileSync(files[1], join(dir, 'vocab.json'));
  copyFileSync(files[2], join(dir, 'merges.txt'));
  const loading = ClipTokenizer.fromFolder(dir);

  for (const c of cases) {
    it(`gives the listed 77 ids for ${JSON.stringify(c.prompt)}`, async () => {
      const encoding = (await loading).encode(c.prompt);
      expect(Array.from(encoding.ids)).toEqual(c.input_ids);
      expect(encoding.truncated).toBe(false);
    });
  }

  it('splits contractions, digits and punctuation as CLIP does', async () => {
    const t = await loading;
    expect(t.decode(t.tokenize("It's 2024!!  OK"))).toBe("it 's 2 0 2 4 !! ok");
    expect(t.tokenize('<|endoftext|>')).toEqual([t.eosId]);
  });
});

describe('ClipTokenizer with a handmade vocabulary', () => {
  it('merges pairs by rank and marks the end of each word', () => {
    const { vocab, tokenizer } = tiny();
    expect(tokenizer.tokenize('abc')).toEqual([vocab['abc</w>']]);
    // "ab" + "c" (not word-final) has no merge, so it stays apart.
    expect(tokenizer.tokenize('abcd')).toEqual([vocab['ab'], vocab['c'], vocab['d</w>']]);
    // "i t</w>" outranks "i t", so a word-final "it" becomes one symbol.
    expect(tokenizer.tokenize('it')).toEqual([vocab['it</w>']]);
    expect(tokenizer.tokenize("it's")).toEqual([vocab['it</w>'], vocab["'s</w>"]]);
  });

  it('frames with bos/eos, pads with the pad token and counts truncated tokens', () => {
    const { vocab, tokenizer } = tiny({ modelMaxLength: 6, padToken: '!' });
    const short = tokenizer.encode('a b');
    expect(Array.from(short.ids)).toEqual([0, vocab['a</w>'], vocab['b</w>'], 1, vocab['!'], vocab['!']]);
    expect(short).toMatchObject({ tokenCount: 2, truncated: false, droppedText: '' });

    const long = tokenizer.encode('a b c d e');
    expect(Array.from(long.ids)).toEqual([
      0,
      vocab['a</w>'],
      vocab['b</w>'],
      vocab['c</w>'],
      vocab['d</w>'],
      1,
    ]);
    expect(long).toMatchObject({ tokenCount: 5, truncated: true, droppedText: 'e' });

    const exact = tokenizer.encode('a b c d');
    expect(exact.truncated).toBe(false);
    expect(exact.ids[5]).toBe(1);
  });

  it('splits long prompts into framed chunks and gives one chunk for an empty prompt', () => {
    const { vocab, tokenizer } = tiny({ modelMaxLength: 5 });
    const chunks = tokenizer.encodeChunks('a b c d e s t');
    expect(chunks.map((c) => Array.from(c))).toEqual([
      [0, vocab['a</w>'], vocab['b</w>'], vocab['c</w>'], 1],
      [0, vocab['d</w>'], vocab['e</w>'], vocab['s</w>'], 1],
      [0, vocab['t</w>'], 1, 1, 1],
    ]);
    expect(tokenizer.encodeChunks('').map((c) => Array.from(c))).toEqual([[0, 1, 1, 1, 1]]);
    expect(tokenizer.encodeChunks('a b c')).toHaveLength(1);
  });

  it('unescapes HTML, collapses whitespace and lower-cases before encoding', () => {
    const { tokenizer } = tiny();
    expect(tokenizer.tokenize('  A&amp;B\n\t&#99;\u3000&#x64; ')).toEqual(tokenizer.tokenize('a&b c d'));
    expect(tokenizer.tokenize('&amp;amp;')).toEqual(tokenizer.tokenize('&'));
    expect(tokenizer.tokenize('s&#39;t &#x27;s')).toEqual(tokenizer.tokenize("s't 's"));
  });

  it('uses the unk token (eos unless configured) for symbols outside the vocabulary', () => {
    expect(tiny().tokenizer.tokenize('z')).toEqual([1]);
    const { vocab, tokenizer } = tiny({ unkToken: '!' });
    expect(tokenizer.tokenize('z')).toEqual([vocab['!']]);
  });

  it('rejects special tokens missing from the vocabulary', () => {
    expect(() => tiny({ padToken: '<pad>' })).toThrow(/pad token "<pad>"/);
    expect(() => tiny({ modelMaxLength: 1 })).toThrow(/model_max_length/);
  });
});

describe('ClipTokenizer.fromFolder', () => {
  function folder(files: Record<string, string>): string {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const merges = `#version: 0.2\n${TINY_MERGES.map((m) => m.join(' ')).join('\n')}\n`;

  it('reads pad and length from tokenizer_config.json, special_tokens_map.json taking precedence', async () => {
    const dir = folder({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': merges,
      'tokenizer_config.json': JSON.stringify({
        model_max_length: 8,
        pad_token: { content: '<|endoftext|>', lstrip: false },
        unk_token: '!',
      }),
      'special_tokens_map.json': JSON.stringify({
        pad_token: { content: '!' },
        bos_token: '<|startoftext|>',
      }),
    });
    const t = await ClipTokenizer.fromFolder(dir);
    expect(t.modelMaxLength).toBe(8);
    expect(t.padId).toBe(tinyVocab()['!']);
    expect(Array.from(t.encode('abc').ids)).toEqual([0, tinyVocab()['abc</w>'], 1, 2, 2, 2, 2, 2]);
  });

  it('treats a huge model_max_length as unset and defaults to 77 with pad = eos', async () => {
    const dir = folder({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': merges,
      'tokenizer_config.json': JSON.stringify({ model_max_length: 1e30 }),
    });
    const t = await ClipTokenizer.fromFolder(dir);
    expect(t.modelMaxLength).toBe(77);
    expect(t.padId).toBe(t.eosId);
  });

  it('names the file and what was expected when the folder is broken', async () => {
    await expect(ClipTokenizer.fromFolder(folder({ 'merges.txt': merges }))).rejects.toThrow(
      /vocab\.json: missing/,
    );
    await expect(ClipTokenizer.fromFolder(folder({ 'vocab.json': '{}' }))).rejects.toThrow(
      /vocab\.json.*empty/,
    );
    const noMerges = folder({ 'vocab.json': JSON.stringify(tinyVocab()) });
    await expect(ClipTokenizer.fromFolder(noMerges)).rejects.toThrow(/merges\.txt: missing/);
    const badMerge = folder({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': '#version: 0.2\na b c\n',
    });
    await expect(ClipTokenizer.fromFolder(badMerge)).rejects.toThrow(/merges\.txt:2: expected two symbols/);
    const badVocab = folder({ 'vocab.json': '{"a": "x"}', 'merges.txt': merges });
    await expect(ClipTokenizer.fromFolder(badVocab)).rejects.toThrow(/vocab\.json: token "a" has id "x"/);
    const badPad = folder({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': merges,
      'special_tokens_map.json': JSON.stringify({ pad_token: 7 }),
    });
    await expect(ClipTokenizer.fromFolder(badPad)).rejects.toThrow(
      /special_tokens_map\.json: pad_token must be/,
    );
    const unknownPad = folder({
      'vocab.json': JSON.stringify(tinyVocab()),
      'merges.txt': merges,
      'tokenizer_config.json': JSON.stringify({ pad_token: '<pad>' }),
    });
    await expect(ClipTokenizer.fromFolder(unknownPad)).rejects.toThrow(
      /pad token "<pad>" is not in the vocabulary/,
    );
  });
});
