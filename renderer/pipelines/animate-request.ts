// What the animate pipeline is asked to make, and what it gives back: raw frames for the encoder.
import type { RenderRequest, RenderResult } from './render-request.ts';

export interface AnimateRequest extends Omit<RenderRequest, 'count' | 'mask' | 'maskOptions'> {
  frames: number;
  fps: number;
  /** `zoom-in:0.5+pan-left` (core/job/motion.ts). */
  motion: string;
  /** Per-frame img2img strength, `0:0.55, 24:0.4`; `strength` for every frame when absent. */
  strengthSchedule?: string;
  /** Seed morph: every frame drawn afresh from noise slerped from `seed`'s to this seed's. */
  morphSeed?: number;
}

export interface AnimateResult extends Omit<RenderResult, 'images' | 'pipeline'> {
  pipeline: 'animate';
  /** Interleaved RGB (height x width x 3) per frame. */
  frames: Buffer[];
  fps: number;
  seed: number;
  /** Frame 0 as a PNG with the clip's parameters: a still for surfaces that show one. */
  poster: Buffer;
}
