// What an SDXL folder adds to a Stable Diffusion one: a second tokenizer and text encoder, and the
// pipeline flags of its model_index.json that change how prompts and time ids are made.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { TimedSession } from '../onnx/timed-session.ts';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import { ModelFolderError } from './model-folder-error.ts';
import { SdxlTextEncoder } from './sdxl-text-encoder.ts';

export interface SdxlParts {
  tokenizer2: ClipTokenizer;
  textEncoder1: SdxlTextEncoder;
  textEncoder2: SdxlTextEncoder;
  /** No negative prompt: zeros instead of encoding "" (diffusers' force_zeros_for_empty_prompt). */
  forceZerosForEmptyPrompt: boolean;
  /** The refiner's 5-value time ids (sizes, crop, aesthetic score) instead of 6 values. */
  requiresAestheticsScore: boolean;
}

/** A UNet that takes SDXL's added conditioning (pooled text embeddings and time ids). */
export function takesSdxlConditioning(inputNames: readonly string[]): boolean {
  return inputNames.includes('text_embeds') && inputNames.includes('time_ids');
}

export async function loadSdxlParts(
  dir: string,
  index: Record<string, unknown>,
  textEncoderSession: TimedSession,
  open: (file: string) => Promise<TimedSession>,
): Promise<SdxlParts> {
  const tokenizer2Dir = path.join(dir, 'tokenizer_2');
  const encoder2File = path.join(dir, 'text_encoder_2', 'model.onnx');
  for (const [file, what] of [
    [path.join(tokenizer2Dir, 'vocab.json'), "the second tokenizer's vocabulary (SDXL)"],
    [encoder2File, 'the second text encoder (SDXL)'],
  ]) {
    try {
      statSync(file);
    } catch {
      throw new ModelFolderError(file, `is missing; expected ${what}`);
    }
  }
  return {
    tokenizer2: await ClipTokenizer.fromFolder(tokenizer2Dir),
    textEncoder1: new SdxlTextEncoder(textEncoderSession),
    textEncoder2: new SdxlTextEncoder(await open(encoder2File)),
    forceZerosForEmptyPrompt: index.force_zeros_for_empty_prompt !== false,
    requiresAestheticsScore: index.requires_aesthetics_score === true,
  };
}
