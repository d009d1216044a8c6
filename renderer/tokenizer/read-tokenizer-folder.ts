// Reads the files of a Hugging Face CLIP tokenizer folder (a diffusers model's `tokenizer/`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClipTokenizerOptions, optionsFromConfigJson } from './tokenizer-options.ts';

export interface TokenizerFiles {
  vocab: Map<string, number>;
  merges: [string, string][];
  options: Partial<ClipTokenizerOptions>;
}

/**
 * CLIPTokenizer reads only the first 49152 - 256 - 2 merges (the vocabulary size less the byte symbols
 * and the two special tokens); later lines are ignored there and here.
 */
const MERGE_LIMIT = 49152 - 256 - 2;

export async function readTokenizerFolder(dir: string): Promise<TokenizerFiles> {
  const vocabPath = join(dir, 'vocab.json');
  if (!existsSync(vocabPath)) {
    const hint = existsSync(join(dir, 'tokenizer', 'vocab.json')) ? '; pass its tokenizer/ subfolder' : '';
    throw new Error(`${vocabPath}: missing (expected the JSON vocabulary of a CLIP tokenizer)${hint}`);
  }
  const vocab = await readVocabFile(vocabPath);
  const merges = await readMergesFile(join(dir, 'merges.txt'));
  // special_tokens_map.json wins over tokenizer_config.json, as in transformers.
  const options: Partial<ClipTokenizerOptions> = {};
  for (const name of ['tokenizer_config.json', 'special_tokens_map.json']) {
    const path = join(dir, name);
    if (existsSync(path)) Object.assign(options, optionsFromConfigJson(await readJson(path), path));
  }
  return { vocab, merges, options };
}

/** A `vocab.json`: token -> id. */
export async function readVocabFile(path: string): Promise<Map<string, number>> {
  if (!existsSync(path))
    throw new Error(`${path}: missing (expected the JSON vocabulary of a CLIP tokenizer)`);
  return parseVocab(await readJson(path), path);
}

/** A `merges.txt`, in priority order. */
export async function readMergesFile(path: string): Promise<[string, string][]> {
  if (!existsSync(path))
    throw new Error(`${path}: missing (expected the BPE merges, one "left right" pair a line)`);
  return parseMerges(await readFile(path, 'utf8'), path);
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

export function parseVocab(json: unknown, file: string): Map<string, number> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object mapping each token to its integer id`);
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(json)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new Error(
        `${file}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, expected an integer >= 0`,
      );
    }
    vocab.set(token, id);
  }
  if (vocab.size === 0) throw new Error(`${file}: the vocabulary is empty`);
  return vocab;
}

/** Lines of two symbols separated by a space; a leading `#version` line and blank lines are skipped. */
export function parseMerges(text: string, file: string): [string, string][] {
  const merges: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && merges.length < MERGE_LIMIT; i++) {
    const line = lines[i].trim();
    if (line === '' || (i === 0 && line.startsWith('#version'))) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new Error(
        `${file}:${i + 1}: expected two symbols separated by a space, got ${JSON.stringify(line)}`,
      );
    }
    merges.push([parts[0], parts[1]]);
  }
  if (merges.length === 0) throw new Error(`${file}: no merges found`);
  return merges;
}
