// Defaults and limits of a job, in one place. Config may override any of them.

/**
 * Every sampler the renderer runs, in the order lists of them are shown. The renderer's name table
 * (renderer/schedulers/registry.ts) is keyed by this list, so the two cannot drift apart.
 */
export const RENDER_SAMPLERS = [
  'ddim',
  'ddpm',
  'pndm',
  'euler',
  'euler_a',
  'dpmpp_2m',
  'dpmpp_2m_karras',
  'lms',
  'lcm',
  'unipc',
  'unipc_karras',
  'heun',
  'heun_karras',
  'dpm2',
  'dpm2_karras',
  'dpm2_a',
  'dpm2_a_karras',
  'deis',
  'deis_karras',
  'dpmpp_2s',
  'dpmpp_2s_karras',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_karras',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_karras',
] as const;
export type RenderSampler = (typeof RENDER_SAMPLERS)[number];

/**
 * Samplers the renderer runs but a job may not name. DDPM is diffusers' reference sampler, kept for
 * checks against it; it adds nothing a user lacks (euler_a and the SDE samplers are ancestral too),
 * and a 25th name would overflow Discord's 25 choices of a settings option (the samplers and `-`).
 */
const RENDERER_ONLY_SAMPLERS = ['ddpm'] as const satisfies readonly RenderSampler[];
export type Sampler = Exclude<RenderSampler, (typeof RENDERER_ONLY_SAMPLERS)[number]>;

/** The samplers a job, a setting or a flag may name. */
export const SAMPLERS = RENDER_SAMPLERS.filter(
  (name): name is Sampler => !(RENDERER_ONLY_SAMPLERS as readonly string[]).includes(name),
) as readonly Sampler[] as readonly [Sampler, ...Sampler[]];

/** Camera motions of an animation (see core/job/motion.ts for speeds and combinations). */
export const MOTIONS = [
  'static',
  'zoom-in',
  'zoom-out',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
  'tilt-up',
  'tilt-down',
  'rotate-cw',
  'rotate-ccw',
] as const;
export type Motion = (typeof MOTIONS)[number];

export const VIDEO_FORMATS = ['mp4', 'webm', 'gif'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

export interface Limits {
  /** Largest width x height of one picture. */
  maxPixels: number;
  /** Smallest and largest side in pixels. */
  minSide: number;
  maxSide: number;
  /** Both sides must be a multiple of this (the VAE downsamples by 8). */
  sideMultiple: number;
  maxSteps: number;
  maxCount: number;
  maxFrames: number;
  maxFps: number;
  maxGuidance: number;
  maxPromptChars: number;
  maxMaskBlur: number;
}

/** Params a model may choose when the request does not: `size` is width and height together. */
export const MODEL_DEFAULTABLE = ['size', 'steps', 'guidance', 'sampler'] as const;
export type DefaultedParam = (typeof MODEL_DEFAULTABLE)[number];

export interface Defaults {
  width: number;
  height: number;
  steps: number;
  guidance: number;
  sampler: Sampler;
  count: number;
  /** img2img strength for remix and variation. */
  strength: number;
  /** Strength of an inpaint job (how much the masked region may change). */
  inpaintStrength: number;
  maskBlur: number;
  frames: number;
  fps: number;
  motion: Motion;
  videoFormat: VideoFormat;
  model: string;
  /** Defaults the operator set (DEFAULT_WIDTH, ...): they hold for every model, over the model's own. */
  fixed?: readonly DefaultedParam[];
}

export const DEFAULT_LIMITS: Limits = {
  maxPixels: 1024 * 1024,
  minSide: 64,
  maxSide: 2048,
  sideMultiple: 8,
  maxSteps: 100,
  maxCount: 4,
  maxFrames: 48,
  maxFps: 30,
  maxGuidance: 30,
  maxPromptChars: 2000,
  maxMaskBlur: 64,
};

export const DEFAULT_PARAMS: Defaults = {
  width: 512,
  height: 512,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  count: 1,
  strength: 0.6,
  inpaintStrength: 1,
  maskBlur: 4,
  frames: 16,
  fps: 8,
  motion: 'static',
  videoFormat: 'mp4',
  model: 'toy',
};

/** The largest seed: seeds are unsigned 32-bit so every tool that takes a seed can reproduce ours. */
export const MAX_SEED = 2 ** 32 - 1;
