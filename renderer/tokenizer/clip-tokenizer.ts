// CLIP's byte-level BPE tokenizer as Stable Diffusion's text encoder expects its input: cleaned text,
// split by CLIP's pattern, byte-pair encoded, framed by bos/eos and padded to the model length.
import { BytePairEncoder, END_OF_WORD } from './byte-pair-encoder.ts';
import { bytesAsChars, charsAsText } from './byte-unicode-map.ts';
import { cleanPromptText, WHITESPACE_CLASS } from './clean-text.ts';
import { readTokenizerFolder } from './read-tokenizer-folder.ts';
import { type ClipTokenizerOptions, resolveOptions } from './tokenizer-options.ts';

export interface ClipEncoding {
  /** `modelMaxLength` ids: bos, at most `modelMaxLength - 2` prompt tokens, eos, then padding. */
  ids: Int32Array;
  /** Prompt tokens before truncation (bos and eos not counted). */
  tokenCount: number;
  truncated: boolean;
  /** Text of the tokens that did not fit, empty when nothing was cut. */
  droppedText: string;
}

const START_MARK = '<|startoftext|>';
const END_MARK = '<|endoftext|>';

/** CLIP's pre-tokenizer: special marks, English contractions, letter runs, single digits, other runs. */
const WORD_PATTERN = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${WHITESPACE_CLASS}\\p{L}\\p{N}]+`,
  'giu',
);

export class ClipTokenizer {
  readonly modelMaxLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly unkId: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly tokenById = new Map<number, string>();
  private readonly bpe: BytePairEncoder;

  /** Reads `vocab.json`, `merges.txt` and the optional config files of a tokenizer folder. */
  static async fromFolder(dir: string): Promise<ClipTokenizer> {
    const files = await readTokenizerFolder(dir);
    try {
      return new ClipTokenizer(files.vocab, files.merges, files.options);
    } catch (err) {
      throw new Error(`tokenizer folder ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  constructor(
    vocab: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
    merges: readonly (readonly [string, string])[],
    options: Partial<ClipTokenizerOptions> = {},
  ) {
    this.vocab = vocab instanceof Map ? vocab : new Map(Object.entries(vocab));
    for (const [token, id] of this.vocab) if (!this.tokenById.has(id)) this.tokenById.set(id, token);
    const resolved = resolveOptions(options);
    if (!Number.isInteger(resolved.modelMaxLength) || resolved.modelMaxLength < 2) {
      throw new Error(`model_max_length must be an integer of at least 2, got ${resolved.modelMaxLength}`);
    }
    this.modelMaxLength = resolved.modelMaxLength;
    this.bosId = this.specialId(resolved.bosToken, 'bos');
    this.eosId = this.specialId(resolved.eosToken, 'eos');
    this.padId = this.specialId(resolved.padToken, 'pad');
    this.unkId = this.specialId(resolved.unkToken, 'unk');
    this.bpe = new BytePairEncoder(merges);
  }

  /** Prompt token ids, without bos/eos and without truncation. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const match of cleanPromptText(text).matchAll(WORD_PATTERN)) {
      const word = match[0];
      const special = word === START_MARK || word === END_MARK ? this.vocab.get(word) : undefined;
      if (special !== undefined) {
        ids.push(special);
        continue;
      }
      for (const symbol of this.bpe.encodeWord(bytesAsChars(word)))
        ids.push(this.vocab.get(symbol) ?? this.unkId);
    }
    return ids;
  }

  /** One sequence of `modelMaxLength` ids; what does not fit is reported, not encoded. */
  encode(text: string): ClipEncoding {
    const tokens = this.tokenize(text);
    const room = this.modelMaxLength - 2;
    const kept = tokens.slice(0, room);
    const dropped = tokens.slice(room);
    return {
      ids: this.frame(kept),
      tokenCount: tokens.length,
      truncated: dropped.length > 0,
      droppedText: this.decode(dropped),
    };
  }

  /**
   * Long prompts as A1111 feeds them: consecutive chunks of `modelMaxLength - 2` tokens, each framed
   * and padded like `encode`; always at least one chunk.
   */
  encodeChunks(text: string): Int32Array[] {
    const tokens = this.tokenize(text);
    const room = this.modelMaxLength - 2;
    const chunks: Int32Array[] = [];
    for (let start = 0; start < tokens.length; start += room)
      chunks.push(this.frame(tokens.slice(start, start + room)));
    if (chunks.length === 0) chunks.push(this.frame([]));
    return chunks;
  }

  /** Text of token ids, words separated by single spaces; special tokens appear as written. */
  decode(ids: Iterable<number>): string {
    let chars = '';
    for (const id of ids) chars += this.tokenById.get(id) ?? '';
    return charsAsText(chars).replaceAll(END_OF_WORD, ' ').trim();
  }

  private frame(tokens: readonly number[]): Int32Array {
    const ids = new Int32Array(this.modelMaxLength).fill(this.padId);
    ids[0] = this.bosId;
    ids.set(tokens, 1);
    ids[tokens.length + 1] = this.eosId;
    return ids;
  }

  private specialId(token: string, role: string): number {
    const id = this.vocab.get(token);
    if (id === undefined)
      throw new Error(`the ${role} token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  }
}
