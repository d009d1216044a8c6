// SDXL's encode_prompt (diffusers' StableDiffusionXLPipeline): the same text through both tokenizers
// (each padding with its own pad token), both encoders' penultimate hidden states concatenated on
// the width axis (text_encoder first), the pooled embedding from text_encoder_2. No negative prompt
// with force_zeros_for_empty_prompt gives zeros, without running the encoders for it.
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { SdxlParts } from '../../model/sdxl-parts.ts';

export interface SdxlEncodedPrompt {
  /** [rows, 77, width1 + width2], rows = count or 2 * count (negative block, then prompt block). */
  hidden: Float32Array;
  dims: [number, number, number];
  /** [rows, pooledWidth], rows as in `hidden`. */
  pooled: Float32Array;
  pooledWidth: number;
  warnings: string[];
}

interface OneText {
  hidden: Float32Array;
  pooled: Float32Array;
  width: number;
  length: number;
  pooledWidth: number;
}

async function encodeText(
  model: LoadedModel,
  sdxl: SdxlParts,
  text: string,
  label: string,
  warnings: string[],
): Promise<OneText> {
  const first = model.tokenizer.encode(text);
  const second = sdxl.tokenizer2.encode(text);
  // diffusers truncates SDXL prompts to one window: say what was left out.
  if (first.truncated)
    warnings.push(
      `your ${label} was cut after ${model.tokenizer.modelMaxLength - 2} tokens: "${first.droppedText.trim()}" was left out`,
    );
  const a = await sdxl.textEncoder1.encode([first.ids]);
  const b = await sdxl.textEncoder2.encode([second.ids]);
  if (!b.pooled || b.pooledWidth === undefined) {
    throw new Error('text_encoder_2 has no text_embeds output: SDXL needs its pooled, projected embedding');
  }
  if (a.length !== b.length) throw new Error(`the two text encoders give ${a.length} and ${b.length} tokens`);
  const width = a.width + b.width;
  const hidden = new Float32Array(a.length * width);
  for (let t = 0; t < a.length; t++) {
    hidden.set(a.hidden.subarray(t * a.width, (t + 1) * a.width), t * width);
    hidden.set(b.hidden.subarray(t * b.width, (t + 1) * b.width), t * width + a.width);
  }
  return { hidden, pooled: b.pooled, width, length: a.length, pooledWidth: b.pooledWidth };
}

export async function encodeSdxlPrompt(
  model: LoadedModel,
  sdxl: SdxlParts,
  prompt: string,
  negativePrompt: string,
  count: number,
  withGuidance: boolean,
): Promise<SdxlEncodedPrompt> {
  const warnings: string[] = [];
  const cond = await encodeText(model, sdxl, prompt, 'prompt', warnings);
  let blocks = [cond];
  if (withGuidance) {
    const uncond =
      negativePrompt === '' && sdxl.forceZerosForEmptyPrompt
        ? {
            ...cond,
            hidden: new Float32Array(cond.hidden.length),
            pooled: new Float32Array(cond.pooled.length),
          }
        : await encodeText(model, sdxl, negativePrompt, 'negative prompt', warnings);
    blocks = [uncond, cond];
  }
  const rows = blocks.length * count;
  const hidden = new Float32Array(rows * cond.hidden.length);
  const pooled = new Float32Array(rows * cond.pooledWidth);
  let row = 0;
  for (const block of blocks) {
    for (let i = 0; i < count; i++) {
      hidden.set(block.hidden, row * cond.hidden.length);
      pooled.set(block.pooled, row * cond.pooledWidth);
      row++;
    }
  }
  return { hidden, dims: [rows, cond.length, cond.width], pooled, pooledWidth: cond.pooledWidth, warnings };
}
