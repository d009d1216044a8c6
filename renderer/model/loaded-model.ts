// A model folder opened for rendering: its tokenizer, sessions and settings.
import type { RunClock, TimedSession } from '../onnx/timed-session.ts';
import type { SchedulerConfig } from '../schedulers/scheduler.ts';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import type { SdxlParts } from './sdxl-parts.ts';
import type { TextEncoder } from './text-encoder.ts';
import type { Unet } from './unet.ts';
import type { VaeDecoder, VaeEncoder } from './vae.ts';

export interface LoadedModel {
  name: string;
  dir: string;
  tokenizer: ClipTokenizer;
  textEncoder: TextEncoder;
  unet: Unet;
  /** Absent in folders exported for txt2img only. */
  vaeEncoder?: VaeEncoder;
  vaeDecoder: VaeDecoder;
  /** Present for SDXL folders (a UNet that takes text_embeds and time_ids). */
  sdxl?: SdxlParts;
  schedulerConfig: SchedulerConfig;
  scalingFactor: number;
  /** A UNet with 9 input channels: latents, mask, masked-image latents. */
  isInpaint: boolean;
  /** False for distilled models (LCM, Turbo) that run without the guidance batch. */
  usesGuidance: boolean;
  /** Bytes of the model files, for the memory budget of the model cache. */
  bytes: number;
  /** Time spent inside session.run, over all of this model's sessions. */
  clock: RunClock;
  sessions: TimedSession[];
  release(): Promise<void>;
}
