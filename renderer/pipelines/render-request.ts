// What a pipeline is asked to draw, and what it gives back. Pictures travel as encoded bytes.
import type { Sampler } from '../../core/job/limits.ts';
import type { LoadedModel } from '../model/loaded-model.ts';

export interface MaskOptions {
  /** Feather of the paste-back edge, in pixels. */
  blur: number;
  /** Repaint the black region instead of the white one. */
  invert: boolean;
  /** Luminance above which a mask pixel means "repaint", 0..1. */
  threshold?: number;
}

export interface RenderRequest {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  sampler: Sampler;
  /** Seed of the first picture; picture i uses seed + i, so each can be redone alone. */
  seed: number;
  count: number;
  /** How far img2img and inpaint may move from the input, 0..1. */
  strength: number;
  /** Encoded input picture (PNG, JPEG, WebP) for img2img and inpaint. */
  image?: Buffer;
  /** Encoded mask for inpaint: white = repaint. */
  mask?: Buffer;
  maskOptions?: MaskOptions;
  /** Send a preview every this many steps (0 = never). */
  previewEvery?: number;
  /** LoRAs merged into the model: names in the LoRA folder (paths from the CLI), each at its weight. */
  loras?: { name: string; weight: number }[];
  /** A replacement VAE (name in the VAE folder, or a CLI path) for encode and decode. */
  vae?: string;
}

export interface RenderProgress {
  step: number;
  total: number;
  /** Animations: the frame being drawn (1-based once done), of how many. */
  frame?: number;
  frames?: number;
  /** JPEG of the first picture's current latents, on preview steps. */
  preview?: Buffer;
}

export interface RenderHooks {
  onProgress?: (progress: RenderProgress) => void;
  signal?: AbortSignal;
}

export interface RenderedImage {
  png: Buffer;
  seed: number;
}

export interface RenderResult {
  images: RenderedImage[];
  width: number;
  height: number;
  /** Things the user should know, e.g. a prompt cut at the token limit. */
  warnings: string[];
  /** Which model drew it (an inpaint job may run on the model's inpainting sibling). */
  model: string;
  pipeline: 'txt2img' | 'img2img' | 'inpaint';
  timings: { totalMs: number; sessionRunMs: number; sessionRuns: number };
}

/** A picture pipeline (txt2img, img2img, inpaint): a model and a request in, encoded pictures out. */
export type Pipeline = (
  model: LoadedModel,
  request: RenderRequest,
  hooks?: RenderHooks,
) => Promise<RenderResult>;

/** Thrown between steps when the render's AbortSignal fires. */
export class RenderCancelledError extends Error {
  constructor() {
    super('the render was cancelled');
    this.name = 'RenderCancelledError';
  }
}
