// A prompt schedule's text embeddings: each keyframe's prompt encoded once, and the embedding of any
// frame blended linearly between the keyframes around it (a prompt morph).
import { type Keyframe, keyframesAround } from '../../core/job/video-schedule.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { type EncodedPrompt, encodePrompt } from '../pipelines/stages/encode-prompt.ts';
import { lerp } from './interpolate.ts';

export interface PromptTrack {
  at(frame: number): EncodedPrompt;
  /** The prompt of a frame that is not between two different prompts; undefined while blending. */
  steadyAt(frame: number): string | undefined;
  warnings: string[];
}

export async function encodePromptTrack(
  model: LoadedModel,
  keys: readonly Keyframe<string>[],
  negativePrompt: string,
  withGuidance: boolean,
): Promise<PromptTrack> {
  const encoded = new Map<string, EncodedPrompt>();
  const warnings: string[] = [];
  for (const key of keys) {
    if (encoded.has(key.value)) continue;
    const text = await encodePrompt(model, key.value, negativePrompt, 1, withGuidance);
    encoded.set(key.value, text);
    for (const w of text.warnings) if (!warnings.includes(w)) warnings.push(w);
  }
  let toldUnequal = false;
  return {
    warnings,
    steadyAt(frame) {
      const { from, to, t } = keyframesAround(keys, frame);
      if (from === to || t === 0) return from;
      return t === 1 ? to : undefined;
    },
    at(frame) {
      const { from, to, t } = keyframesAround(keys, frame);
      const a = encoded.get(from) as EncodedPrompt;
      const b = encoded.get(to) as EncodedPrompt;
      if (t === 0 || a === b) return a;
      if (t === 1) return b;
      if (a.hidden.length !== b.hidden.length) {
        // Prompts of different lengths (75-token chunks) cannot be blended token by token: cut over.
        if (!toldUnequal) {
          warnings.push(
            `"${from}" and "${to}" take a different number of 75-token chunks, so the video cuts from one to the other instead of blending`,
          );
          toldUnequal = true;
        }
        return t < 0.5 ? a : b;
      }
      return { hidden: lerp(a.hidden, b.hidden, t), dims: a.dims, warnings: [] };
    },
  };
}
