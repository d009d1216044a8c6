// The one Job that every surface (Discord, Telegram, HTTP) produces.
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { parseRatio } from '../flags/aspect.ts';
import { memoByPair } from '../memo-by-pair.ts';
import { knownFieldsAt } from './known-fields.ts';
import {
  DEFAULT_LIMITS,
  DEFAULT_PARAMS,
  type DefaultedParam,
  type Defaults,
  type Limits,
  MAX_SEED,
  MODEL_DEFAULTABLE,
} from './limits.ts';
import { defaultedParams, ratioSize } from './model-defaults.ts';
import { paramsSchema } from './params.ts';
import { InputsSchema, OriginSchema, OwnerSchema } from './references.ts';
import { ANIMATE_STRENGTH, videoParamsProblem } from './video.ts';
import { problemsFromZod } from './zod-problems.ts';

export const JOB_KINDS = ['imagine', 'remix', 'inpaint', 'animate', 'upscale', 'variation'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const PRIORITIES = ['high', 'normal', 'low'] as const;

/** What each kind needs besides params: a prompt, an image, a mask. */
const NEEDS: Record<JobKind, { prompt: boolean; image: boolean; mask: boolean }> = {
  imagine: { prompt: true, image: false, mask: false },
  remix: { prompt: false, image: true, mask: false },
  inpaint: { prompt: false, image: true, mask: true },
  animate: { prompt: true, image: false, mask: false },
  upscale: { prompt: false, image: true, mask: false },
  variation: { prompt: false, image: true, mask: false },
};

const cachedRequestSchema = memoByPair((limits: Limits, defaults: Defaults) =>
  buildJobRequestSchema(limits, defaults),
);

/** The job request schema for these limits and defaults, built once per pair. */
export function jobRequestSchema(limits: Limits = DEFAULT_LIMITS, defaults: Defaults = DEFAULT_PARAMS) {
  return cachedRequestSchema(limits, defaults);
}

function buildJobRequestSchema(limits: Limits, defaults: Defaults) {
  return z
    .object({
      kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }),
      owner: OwnerSchema,
      origin: OriginSchema,
      params: paramsSchema(limits, defaults),
      inputs: InputsSchema.prefault({}),
      priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }).default('normal'),
      /** ISO time after which a job that has not started is cancelled. */
      deadline: z.iso.datetime({ error: 'must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' }).optional(),
      /** The earlier job whose result an upscale or variation works on. */
      parent: z
        .object({ jobId: z.string().min(1), index: z.number().int().min(0).default(0) })
        .strict()
        .optional(),
      /** Params the request leaves to the model although it gives them (a surface's own defaults). */
      defaulted: z
        .array(z.enum(MODEL_DEFAULTABLE, { error: `must be some of ${MODEL_DEFAULTABLE.join(', ')}` }))
        .optional(),
    })
    .strict()
    .superRefine((job, ctx) => {
      const needs = NEEDS[job.kind];
      const emptyPromptTaken = job.origin.surface === 'http' && job.origin.compat === 'a1111';
      if (needs.prompt && job.params.prompt.trim() === '' && !emptyPromptTaken) {
        ctx.addIssue({
          code: 'custom',
          path: ['params', 'prompt'],
          input: undefined,
          message: 'is empty: describe what to draw',
        });
      }
      if (needs.image && !job.inputs.image) {
        ctx.addIssue({
          code: 'custom',
          path: ['inputs', 'image'],
          input: undefined,
          message: `is required for ${job.kind}: attach a picture`,
        });
      }
      if (needs.mask && !job.inputs.mask) {
        ctx.addIssue({
          code: 'custom',
          path: ['inputs', 'mask'],
          input: undefined,
          message: 'is required for inpaint: attach a mask (white = repaint)',
        });
      }
      if (!needs.mask && job.inputs.mask) {
        ctx.addIssue({
          code: 'custom',
          path: ['inputs', 'mask'],
          input: undefined,
          message: `is only used by inpaint, not ${job.kind}`,
        });
      }
    });
}

export type JobRequest = z.input<ReturnType<typeof jobRequestSchema>>;
type ParsedRequest = z.output<ReturnType<typeof jobRequestSchema>>;

type ParsedParams = ParsedRequest['params'];

/** A validated job with every default applied and its seed chosen. */
export type Job = Omit<ParsedRequest, 'params' | 'defaulted'> & {
  id: string;
  createdAt: string;
  /** Video params only on jobs that make a video. */
  params: Omit<ParsedParams, 'video'> & { video?: ParsedParams['video']; seed: number; strength: number };
  /** What the job was given but will not use, told with its result. */
  warnings?: string[];
  /** Params the request left to defaults: the model's own (imagine.json, its natural size) take them. */
  defaulted?: DefaultedParam[];
};

export interface CreateJobOptions {
  limits?: Limits;
  defaults?: Defaults;
  id?: string;
  now?: Date;
  /** Where a random seed comes from when the request has none (tests pass a fixed one). */
  randomSeed?: () => number;
}

function defaultStrength(kind: JobKind, defaults: Defaults): number {
  if (kind === 'inpaint') return defaults.inpaintStrength;
  if (kind === 'upscale') return 0.3;
  if (kind === 'animate') return ANIMATE_STRENGTH;
  return defaults.strength;
}

/** Kinds that start from no picture, so a strength has nothing to act on (animate uses it per frame). */
const WITHOUT_PICTURE: readonly JobKind[] = ['imagine'];

const STRENGTH_UNUSED =
  'strength (--strength) only applies to a picture you start from (remix, inpaint): this job has none, so it was not used';

/** What a job of this kind will not use of the params it was given, in words for the user. */
export function unusedParamWarnings(kind: JobKind, given: { strength?: unknown }): string[] {
  return given.strength !== undefined && WITHOUT_PICTURE.includes(kind) ? [STRENGTH_UNUSED] : [];
}

/** The request's own params object as given (before defaults), when there is one. */
function givenParams(request: unknown): Record<string, unknown> {
  const params = (request as { params?: unknown } | null)?.params;
  return params && typeof params === 'object' ? (params as Record<string, unknown>) : {};
}

/** Validates a request from any surface and returns the Job, or throws a ValidationError. */
export function createJob(request: unknown, options: CreateJobOptions = {}): Job {
  const defaults = options.defaults ?? DEFAULT_PARAMS;
  const schema = jobRequestSchema(options.limits, defaults);
  const parsed = schema.safeParse(request, { reportInput: true });
  const kind = (request as { kind?: unknown } | null)?.kind;
  const given = givenParams(request);
  const videoProblem =
    given.video !== undefined && typeof kind === 'string' ? videoParamsProblem(kind) : undefined;
  if (!parsed.success || videoProblem) {
    let problems = parsed.success ? [] : problemsFromZod(parsed.error, (path) => knownFieldsAt(schema, path));
    if (videoProblem) {
      // One answer for the video params, not one per field inside them.
      problems = problems.filter((p) => p.field !== 'params.video' && !p.field.startsWith('params.video.'));
      problems.push({ field: 'params.video', value: given.video, problem: videoProblem });
    }
    throw new ValidationError(problems, 'invalid job');
  }
  const req = parsed.data;
  const ratioProblem = sizeFromRatio(req.params, given, options.limits ?? DEFAULT_LIMITS, defaults);
  if (ratioProblem) throw new ValidationError([ratioProblem], 'invalid job');
  const randomSeed = options.randomSeed ?? (() => Math.floor(Math.random() * (MAX_SEED + 1)));
  const { video, ...params } = req.params;
  const warnings = unusedParamWarnings(req.kind, given);
  const fixed = defaults.fixed ?? [];
  const defaulted = [
    ...new Set([
      ...(req.defaulted ?? []).filter((p) => !fixed.includes(p)),
      ...defaultedParams(given, fixed),
    ]),
  ];
  return {
    ...req,
    id: options.id ?? crypto.randomUUID(),
    createdAt: (options.now ?? new Date()).toISOString(),
    params: {
      ...params,
      ...(req.kind === 'animate' ? { video } : {}),
      seed: req.params.seed ?? randomSeed(),
      strength: req.params.strength ?? defaultStrength(req.kind, defaults),
    },
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(defaulted.length > 0 ? { defaulted } : {}),
  };
}

/**
 * An aspect ratio sets width and height over the default size's area (the model's natural area
 * replaces it at render); a width or height given with it must agree, as --ar's own do.
 */
function sizeFromRatio(
  params: { width: number; height: number; aspectRatio?: string },
  given: Record<string, unknown>,
  limits: Limits,
  defaults: Defaults,
): { field: string; value?: unknown; problem: string } | undefined {
  if (params.aspectRatio === undefined) return undefined;
  const size = ratioSize(params.aspectRatio, defaults.width * defaults.height, limits);
  if (!size) {
    return {
      field: 'params.aspectRatio',
      value: params.aspectRatio,
      problem: 'is too extreme for the size limits: use a ratio closer to 1:1, e.g. 16:9',
    };
  }
  if (given.width === undefined && given.height === undefined) {
    params.width = size.width;
    params.height = size.height;
    return undefined;
  }
  // Given with a size (--ar's own, or a job as its model drew it): the size must have the ratio's shape,
  // within the rounding of each side down to a multiple.
  const ratio = parseRatio(params.aspectRatio);
  const shape = ratio ? ratio.w / ratio.h : 1;
  const off = Math.abs(params.width / params.height - shape) / shape;
  if (
    given.width === undefined ||
    given.height === undefined ||
    off > (2 * limits.sideMultiple) / Math.min(params.width, params.height)
  ) {
    return {
      field: 'params.aspectRatio',
      value: params.aspectRatio,
      problem: 'and width/height both set the size: give one of them',
    };
  }
  return undefined;
}
