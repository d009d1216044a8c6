// Encoding the prompt, for every pipeline: prompt and negative prompt to text-encoder hidden states,
// batched [uncond..., cond...] for classifier-free guidance. Prompts over one window are encoded as
// 75-token chunks, each framed by start/end tokens, and the chunk embeddings concatenated along the
// token axis.
import type { LoadedModel } from '../../model/loaded-model.ts';
import { encodeSdxlPrompt } from '../sdxl/encode-sdxl-prompt.ts';

/** At most this many 75-token chunks; beyond it the prompt is cut, with a warning. */
export const MAX_PROMPT_CHUNKS = 3;

export interface EncodedPrompt {
  /** [rows, tokens, width]: rows = count (no guidance) or 2 * count (uncond block, then cond block). */
  hidden: Float32Array;
  dims: [number, number, number];
  /** SDXL: the pooled embeddings [rows, pooledWidth], rows as in `hidden`. */
  pooled?: Float32Array;
  warnings: string[];
}

function chunksOf(model: LoadedModel, text: string, label: string, warnings: string[]): Int32Array[] {
  const chunks = model.tokenizer.encodeChunks(text);
  if (chunks.length <= MAX_PROMPT_CHUNKS) return chunks;
  const kept = chunks.slice(0, MAX_PROMPT_CHUNKS);
  const limit = MAX_PROMPT_CHUNKS * (model.tokenizer.modelMaxLength - 2);
  const all = model.tokenizer.tokenize(text);
  const dropped = model.tokenizer.decode(all.slice(limit)).trim();
  warnings.push(`your ${label} was cut after ${limit} tokens: "${dropped}" was left out`);
  return kept;
}

export async function encodePrompt(
  model: LoadedModel,
  prompt: string,
  negativePrompt: string,
  count: number,
  withGuidance: boolean,
): Promise<EncodedPrompt> {
  if (model.sdxl) return encodeSdxlPrompt(model, model.sdxl, prompt, negativePrompt, count, withGuidance);
  const warnings: string[] = [];
  const cond = chunksOf(model, prompt, 'prompt', warnings);
  const uncond = withGuidance ? chunksOf(model, negativePrompt, 'negative prompt', warnings) : [];
  // Both halves of the guidance batch need the same token count: pad the shorter with empty chunks.
  const n = Math.max(cond.length, uncond.length);
  const empty = () => model.tokenizer.encodeChunks('')[0];
  while (cond.length < n) cond.push(empty());
  while (withGuidance && uncond.length < n) uncond.push(empty());
  const rows = withGuidance ? [...uncond, ...cond] : cond;
  const { hidden, width, length } = await model.textEncoder.encode(rows);
  // Rows come back chunk by chunk; lay each prompt's chunks side by side, then repeat per picture.
  const tokens = length * n;
  const one = (first: number) => {
    const out = new Float32Array(tokens * width);
    for (let c = 0; c < n; c++)
      out.set(
        hidden.subarray((first + c) * length * width, (first + c + 1) * length * width),
        c * length * width,
      );
    return out;
  };
  const blocks = withGuidance ? [one(0), one(n)] : [one(0)];
  const batch = new Float32Array(blocks.length * count * tokens * width);
  let row = 0;
  for (const block of blocks) {
    for (let i = 0; i < count; i++) batch.set(block, row++ * tokens * width);
  }
  return { hidden: batch, dims: [blocks.length * count, tokens, width], warnings };
}
