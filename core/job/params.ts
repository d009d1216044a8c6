// The parameters of a render, validated against the configured limits.
import { z } from 'zod';
import { parseRatio } from '../flags/aspect.ts';
import { memoByPair } from '../memo-by-pair.ts';
import { didYouMean } from '../text/closest.ts';
import { type Defaults, type Limits, MAX_SEED, SAMPLERS, VIDEO_FORMATS } from './limits.ts';
import { formatMotion, parseMotion } from './motion.ts';
import { parseStrengthSchedule } from './video-schedule.ts';

function between(min: number, max: number): string {
  return `must be between ${min} and ${max}`;
}

function intIn(min: number, max: number) {
  return z.number().int('must be a whole number').min(min, between(min, max)).max(max, between(min, max));
}

function numIn(min: number, max: number) {
  return z.number().min(min, between(min, max)).max(max, between(min, max));
}

function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) =>
      `must be one of ${values.join(', ')}${typeof iss.input === 'string' ? didYouMean(iss.input, values) : ''}`,
  });
}

function side(limits: Limits) {
  const m = limits.sideMultiple;
  return intIn(limits.minSide, limits.maxSide).refine((v) => v % m === 0, {
    error: (iss) => {
      const v = Number(iss.input);
      const lo = Math.floor(v / m) * m;
      return `must be a multiple of ${m} (try ${lo} or ${lo + m})`;
    },
  });
}

const cachedParamsSchema = memoByPair((limits: Limits, defaults: Defaults) =>
  buildParamsSchema(limits, defaults),
);

/** The params schema for these limits and defaults, built once per pair. */
export function paramsSchema(limits: Limits, defaults: Defaults) {
  return cachedParamsSchema(limits, defaults);
}

function buildParamsSchema(limits: Limits, defaults: Defaults) {
  return z
    .object({
      prompt: z.string().max(limits.maxPromptChars, `must be at most ${limits.maxPromptChars} characters`),
      negativePrompt: z
        .string()
        .max(limits.maxPromptChars, `must be at most ${limits.maxPromptChars} characters`)
        .default(''),
      width: side(limits).default(defaults.width),
      height: side(limits).default(defaults.height),
      /** `--ar`: the size is this ratio over the model's natural area (the default size's, until rendered). */
      aspectRatio: z
        .string()
        .refine((text) => parseRatio(text) !== undefined, 'must be a ratio W:H, e.g. 16:9')
        .optional(),
      steps: intIn(1, limits.maxSteps).default(defaults.steps),
      guidance: numIn(0, limits.maxGuidance).default(defaults.guidance),
      sampler: oneOf(SAMPLERS).default(defaults.sampler),
      /** Absent means random; the chosen seed is always recorded in the job. */
      seed: intIn(0, MAX_SEED).optional(),
      count: intIn(1, limits.maxCount).default(defaults.count),
      strength: numIn(0, 1).optional(),
      mask: z
        .object({
          blur: intIn(0, limits.maxMaskBlur).default(defaults.maskBlur),
          invert: z.boolean().default(false),
        })
        .strict()
        .prefault({}),
      video: z
        .object({
          frames: intIn(1, limits.maxFrames).default(defaults.frames),
          fps: intIn(1, limits.maxFps).default(defaults.fps),
          /** `zoom-in`, `pan-left:2`, `zoom-in:0.5+pan-left`: stored in one spelling. */
          motion: z
            .string()
            .default(defaults.motion)
            .transform((text, ctx) => {
              const moves = parseMotion(text);
              if (typeof moves === 'string') {
                ctx.addIssue({ code: 'custom', message: moves, input: text });
                return z.NEVER;
              }
              return formatMotion(moves);
            }),
          /** Per-frame img2img strength, `0:0.55, 24:0.4`; the job's strength when absent. */
          strengthSchedule: z
            .string()
            .refine((text) => typeof parseStrengthSchedule(text) !== 'string', {
              error: (iss) => String(parseStrengthSchedule(String(iss.input))),
            })
            .optional(),
          /** Seed morph: frame 0 is the job's seed, the last frame this one, the noise slerped between. */
          morphSeed: intIn(0, MAX_SEED).optional(),
          /** Make in-between frames up to this frame rate (ffmpeg minterpolate). */
          interpolateFps: intIn(1, 60).optional(),
          format: oneOf(VIDEO_FORMATS).default(defaults.videoFormat),
        })
        .strict()
        .prefault({}),
      model: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a model name (letters, digits, . _ -)')
        .default(defaults.model),
      /** LoRAs merged into the model, each at its weight; absent means none. */
      loras: z
        .array(
          z
            .object({
              // Files on the server are never named by path here; the render CLI checks its paths itself.
              name: z
                .string()
                .regex(
                  /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/,
                  'must be a LoRA name from the LoRA folder (letters, digits, . _ -), not a path',
                ),
              weight: z.number().min(-4).max(4),
            })
            .strict(),
        )
        .max(8, 'must be at most 8 LoRAs')
        .optional(),
      /** A VAE from the VAE folder in place of the model's own; absent means the model's. */
      vae: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/,
          'must be a VAE name from the VAE folder (letters, digits, . _ -), not a path',
        )
        .optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.width * p.height > limits.maxPixels) {
        ctx.addIssue({
          code: 'custom',
          path: ['size'],
          input: `${p.width}x${p.height}`,
          message: `is ${p.width * p.height} pixels, over the limit of ${limits.maxPixels} (use a smaller --size, or --ar to keep the budget)`,
        });
      }
    });
}
