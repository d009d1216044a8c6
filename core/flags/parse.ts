// Parses `/imagine a fox in the snow --ar 16:9 --seed 7` into a prompt and job params.
import { type FieldProblem, ValidationError } from '../errors.ts';
import { DEFAULT_LIMITS, DEFAULT_PARAMS, type Defaults, type Limits, SAMPLERS } from '../job/limits.ts';
import { formatMotion, parseMotion } from '../job/motion.ts';
import { paramsSchema } from '../job/params.ts';
import { NO_VIDEO_YET, VIDEO_AVAILABLE } from '../job/video.ts';
import { problemsFromZod } from '../job/zod-problems.ts';
import { didYouMean } from '../text/closest.ts';
import { parseRatio, sizeForRatio } from './aspect.ts';
import { FLAG_ALIASES, FLAG_EXAMPLES, FLAG_NAMES, type FlagName, normaliseSampler } from './flag-table.ts';
import { extractPromptLoras, isLoraPath, type LoraChoiceSpec, parseLoraSpec } from './lora-spec.ts';
import { flagName, inlineValue, type Token, tokenize } from './tokens.ts';

/** The params a prompt's flags set; everything else keeps the surface's defaults. */
export interface PromptParams {
  negativePrompt?: string;
  width?: number;
  height?: number;
  /** `--ar` as typed: width and height are this ratio over the default area, refitted to the model's. */
  aspectRatio?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  sampler?: (typeof SAMPLERS)[number];
  count?: number;
  strength?: number;
  model?: string;
  /** From `--lora name:weight` (repeatable) and `<lora:name:weight>` in the text, in that order. */
  loras?: LoraChoiceSpec[];
  /** `--vae NAME`: a VAE folder in the VAE folder (on the CLI also a path) used to encode and decode. */
  vae?: string;
  video?: { frames?: number; fps?: number; motion?: string; strengthSchedule?: string; morphSeed?: number };
}

export interface ParsedPrompt {
  /** The prompt without its flags, whitespace collapsed. */
  prompt: string;
  params: PromptParams;
  /** The aspect ratio as typed, when --ar was used (kept so the prompt can be shown again). */
  aspectRatio?: string;
}

export interface ParseOptions {
  limits?: Limits;
  defaults?: Defaults;
  /** Pixels that --ar spreads over; the default size's area unless given (e.g. a model's native size). */
  budgetPixels?: number;
  /**
   * Flags the caller reads itself (the render CLI's --out, --mask-blur, without the dashes): never
   * in the text given here, but named in "did you mean" answers and the list of known flags.
   */
  extraFlags?: readonly string[];
  /** Whether the prompt is for a video; video flags are refused otherwise (always, until video exists). */
  video?: boolean;
  /** Whether `--lora` may name a file by path (the CLI only; chat and HTTP name LoRAs in the folder). */
  loraPaths?: boolean;
}

const VIDEO_FLAGS: readonly FlagName[] = ['frames', 'fps', 'motion', 'strength-schedule', 'morph-seed'];

/** Which flag set which param, so range errors name the flag the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  negativePrompt: '--no',
  width: '--size (width)',
  height: '--size (height)',
  size: '--size',
  aspectRatio: '--ar',
  seed: '--seed',
  steps: '--steps',
  guidance: '--cfg',
  sampler: '--sampler',
  count: '--n',
  strength: '--strength',
  model: '--model',
  'video.frames': '--frames',
  'video.fps': '--fps',
  'video.motion': '--motion',
  'video.strengthSchedule': '--strength-schedule',
  'video.morphSeed': '--morph-seed',
};

function resolveFlag(raw: string): FlagName | undefined {
  if ((FLAG_NAMES as readonly string[]).includes(raw)) return raw as FlagName;
  return FLAG_ALIASES[raw];
}

const INTEGER = /^[+]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parsePrompt(text: string, options: ParseOptions = {}): ParsedPrompt {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const defaults = options.defaults ?? DEFAULT_PARAMS;
  const budget = options.budgetPixels ?? defaults.width * defaults.height;
  const allowVideo = options.video === true;
  const known = [...FLAG_NAMES, ...(options.extraFlags ?? [])];
  const promptLoras = extractPromptLoras(text);
  const tokens = tokenize(promptLoras.text);
  const words: string[] = [];
  const problems: FieldProblem[] = [];
  const params: PromptParams = {};
  const seen = new Map<FlagName, string>();
  let aspectRatio: string | undefined;
  const negatives: string[] = [];

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    const raw = flagName(token);
    if (raw === undefined) {
      words.push(token.text);
      i++;
      continue;
    }
    i++;
    const flag = resolveFlag(raw);
    if (flag === undefined) {
      problems.push({
        field: `--${raw}`,
        problem: `is not a known flag${didYouMean(raw, known, '--')}; known flags: ${known.map((f) => `--${f}`).join(' ')}`,
      });
      // Skip the flag's value too, so one typo gives one error.
      if (i < tokens.length && flagName(tokens[i]) === undefined && inlineValue(token) === undefined) i++;
      continue;
    }
    // --no takes every word up to the next flag; the others take one word.
    const valueTokens: Token[] = [];
    const inline = inlineValue(token);
    if (inline !== undefined && inline !== '') valueTokens.push({ text: inline, quoted: false });
    else if (flag === 'no') {
      while (i < tokens.length && flagName(tokens[i]) === undefined) valueTokens.push(tokens[i++]);
    } else if (i < tokens.length && flagName(tokens[i]) === undefined) valueTokens.push(tokens[i++]);
    const joined = valueTokens.map((t) => t.text).join(' ');
    // `--motion "zoom in"`: quotes around a one-word value only group it.
    const value = flag !== 'no' ? unquote(joined) : joined;
    if (value === '') {
      problems.push({ field: `--${flag}`, problem: `needs a value, e.g. ${FLAG_EXAMPLES[flag]}` });
      continue;
    }
    if (flag === 'no') {
      negatives.push(value);
      continue;
    }
    if (flag === 'lora') {
      const spec = parseLoraSpec(value, options.loraPaths === true);
      if (typeof spec === 'string') problems.push({ field: '--lora', value, problem: spec });
      else params.loras = [...(params.loras ?? []), spec];
      continue;
    }
    const earlier = seen.get(flag);
    if (earlier !== undefined) {
      problems.push({
        field: `--${flag}`,
        value,
        problem: `is given twice (first ${earlier}): keep one`,
      });
      continue;
    }
    seen.set(flag, value);
    if (VIDEO_FLAGS.includes(flag) && !allowVideo) {
      problems.push({ field: `--${flag}`, problem: VIDEO_AVAILABLE ? VIDEO_ONLY : NO_VIDEO_YET });
      continue;
    }
    const problem = applyFlag(flag, value, params, budget, limits, options.loraPaths === true);
    if (problem) problems.push({ field: `--${flag}`, value, problem });
    else if (flag === 'ar') aspectRatio = value;
  }
  if (allowVideo && params.vae) {
    problems.push({
      field: '--vae',
      problem: 'is used for pictures only, not yet for videos: remove it for animate',
    });
  }
  if (allowVideo && params.loras) {
    problems.push({
      field: '--lora',
      problem: 'is merged into pictures only, not yet into videos: remove it for animate',
    });
  }
  if (seen.has('ar') && seen.has('size')) {
    problems.push({ field: '--ar', problem: 'and --size both set the size: use one of them' });
  }
  if (negatives.length > 0) params.negativePrompt = negatives.join(', ');
  for (const text of promptLoras.specs) {
    const spec = parseLoraSpec(text, options.loraPaths === true);
    if (typeof spec === 'string') problems.push({ field: `<lora:${text}>`, problem: spec });
    else params.loras = [...(params.loras ?? []), spec];
  }
  // Flags that failed above set nothing, so the range check names only the others: every problem at once.
  const prompt = words.join(' ');
  problems.push(...rangeProblems(prompt, params, limits, defaults, aspectRatio !== undefined));
  if (problems.length > 0) throw new ValidationError(problems, 'cannot read the prompt');
  const parsed: ParsedPrompt = { prompt, params };
  if (aspectRatio !== undefined) parsed.aspectRatio = aspectRatio;
  return parsed;
}

const VIDEO_ONLY = 'makes a video, which only animate jobs do: remove it, or ask for animate';

function unquote(text: string): string {
  const m = /^["“„«](.*)["”“»]$/s.exec(text);
  return m ? m[1].trim() : text;
}

/** Reads one flag's value into params; returns what is wrong with it, if anything. */
function applyFlag(
  flag: Exclude<FlagName, 'no'>,
  value: string,
  params: PromptParams,
  budget: number,
  limits: Limits,
  loraPaths: boolean,
): string | undefined {
  const int = () => (INTEGER.test(value) ? Number(value) : undefined);
  const num = () => (DECIMAL.test(value) ? Number(value) : undefined);
  switch (flag) {
    case 'ar': {
      const ratio = parseRatio(value);
      if (!ratio) return 'must be a ratio W:H, e.g. --ar 16:9';
      const size = sizeForRatio(ratio.w, ratio.h, budget, limits.sideMultiple);
      if (!sizeFits(size, limits)) {
        const most = widestRatio(budget, limits);
        return `is too extreme: --ar allows ratios from 1:${most} to ${most}:1 at this size, e.g. --ar 16:9`;
      }
      params.width = size.width;
      params.height = size.height;
      params.aspectRatio = value;
      return undefined;
    }
    case 'size': {
      const m = /^(\d{1,5})\s*[x×*]\s*(\d{1,5})$/i.exec(value);
      if (!m) return 'must be WIDTHxHEIGHT, e.g. --size 768x512';
      params.width = Number(m[1]);
      params.height = Number(m[2]);
      return undefined;
    }
    case 'seed':
    case 'morph-seed':
    case 'steps':
    case 'n':
    case 'frames':
    case 'fps': {
      const n = int();
      if (n === undefined) return `must be a whole number, e.g. ${FLAG_EXAMPLES[flag]}`;
      if (flag === 'seed') params.seed = n;
      else if (flag === 'morph-seed') params.video = { ...params.video, morphSeed: n };
      else if (flag === 'steps') params.steps = n;
      else if (flag === 'n') params.count = n;
      else if (flag === 'frames') params.video = { ...params.video, frames: n };
      else params.video = { ...params.video, fps: n };
      return undefined;
    }
    case 'cfg':
    case 'strength': {
      const n = num();
      if (n === undefined) return `must be a number, e.g. ${FLAG_EXAMPLES[flag]}`;
      if (flag === 'cfg') params.guidance = n;
      else params.strength = n;
      return undefined;
    }
    case 'sampler': {
      const sampler = normaliseSampler(value);
      if (!sampler) return `is not a sampler${didYouMean(value, SAMPLERS)}; samplers: ${SAMPLERS.join(', ')}`;
      params.sampler = sampler;
      return undefined;
    }
    case 'motion': {
      const moves = parseMotion(value);
      if (typeof moves === 'string') return moves;
      params.video = { ...params.video, motion: formatMotion(moves) };
      return undefined;
    }
    case 'strength-schedule':
      // Checked with the job's schema below, which names this flag.
      params.video = { ...params.video, strengthSchedule: value };
      return undefined;
    case 'model':
      params.model = value;
      return undefined;
    case 'lora':
      return undefined; // read above: it may repeat
    case 'vae': {
      if (isLoraPath(value) && !loraPaths)
        return 'is a path; here VAEs are named from the server VAE folder (e.g. --vae sd-vae-ft-mse), folders on the server cannot be chosen by path';
      if (!isLoraPath(value) && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(value))
        return 'must be a VAE name (letters, digits, . _ -), e.g. --vae sd-vae-ft-mse';
      params.vae = value;
      return undefined;
    }
  }
}

function sizeFits(size: { width: number; height: number }, limits: Limits): boolean {
  const { width, height } = size;
  return (
    Math.min(width, height) >= limits.minSide &&
    Math.max(width, height) <= limits.maxSide &&
    width * height <= limits.maxPixels
  );
}

/** The largest N for which --ar N:1 (and 1:N) gives a size within the limits. */
function widestRatio(budget: number, limits: Limits): number {
  let most = 1;
  while (most < 1000 && sizeFits(sizeForRatio(most + 1, 1, budget, limits.sideMultiple), limits)) most++;
  return most;
}

/** Checks the flag values against the limits with the job's own schema, naming the flags. */
function rangeProblems(
  prompt: string,
  params: PromptParams,
  limits: Limits,
  defaults: Defaults,
  fromRatio: boolean,
): FieldProblem[] {
  // LoRA specs were checked as they were read (CLI paths included).
  const { loras: _checked, vae: _vae, ...rest } = params;
  const result = paramsSchema(limits, defaults).safeParse({ prompt, ...rest }, { reportInput: true });
  if (result.success) return [];
  const sizeFields = new Set(['width', 'height', 'size']);
  return problemsFromZod(result.error).map((p) => ({
    ...p,
    field: fromRatio && sizeFields.has(p.field) ? '--ar' : (FLAG_OF_FIELD[p.field] ?? p.field),
  }));
}
