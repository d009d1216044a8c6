// Special tokens and length of a CLIP tokenizer, and how a Hugging Face tokenizer folder states them.

export interface ClipTokenizerOptions {
  /** Length of every encoded sequence, bos and eos included. */
  modelMaxLength: number;
  bosToken: string;
  eosToken: string;
  padToken: string;
  /** Stands for a symbol missing from the vocabulary. */
  unkToken: string;
}

export const DEFAULT_MODEL_MAX_LENGTH = 77;
export const DEFAULT_BOS = '<|startoftext|>';
export const DEFAULT_EOS = '<|endoftext|>';

/** Defaults of CLIPTokenizer, with pad and unk falling back to the eos token. */
export function resolveOptions(partial: Partial<ClipTokenizerOptions> = {}): ClipTokenizerOptions {
  const eosToken = partial.eosToken ?? DEFAULT_EOS;
  return {
    modelMaxLength: partial.modelMaxLength ?? DEFAULT_MODEL_MAX_LENGTH,
    bosToken: partial.bosToken ?? DEFAULT_BOS,
    eosToken,
    padToken: partial.padToken ?? eosToken,
    unkToken: partial.unkToken ?? eosToken,
  };
}

/** Transformers writes "no limit" as a huge number such as 1e30; anything this large means unset. */
const UNSET_LENGTH_ABOVE = 1_000_000;

const TOKEN_FIELDS = [
  ['bos_token', 'bosToken'],
  ['eos_token', 'eosToken'],
  ['pad_token', 'padToken'],
  ['unk_token', 'unkToken'],
] as const;

/**
 * Options stated by one parsed `tokenizer_config.json` or `special_tokens_map.json`. A token may be a
 * string or an object `{content}`; null means unset. `file` names the source in error messages.
 */
export function optionsFromConfigJson(json: unknown, file: string): Partial<ClipTokenizerOptions> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  const fields = json as Record<string, unknown>;
  const options: Partial<ClipTokenizerOptions> = {};
  for (const [jsonKey, optionKey] of TOKEN_FIELDS) {
    const token = tokenText(fields[jsonKey], `${file}: ${jsonKey}`);
    if (token !== undefined) options[optionKey] = token;
  }
  const length = fields['model_max_length'];
  if (length !== undefined && length !== null) {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 2) {
      throw new Error(
        `${file}: model_max_length must be an integer of at least 2, got ${JSON.stringify(length)}`,
      );
    }
    if (length <= UNSET_LENGTH_ABOVE) options.modelMaxLength = length;
  }
  return options;
}

function tokenText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  throw new Error(
    `${where} must be a string or an object with a string "content", got ${JSON.stringify(value)}`,
  );
}
