// A chat message (its text with flags, plus typed options) becomes a job request: the same flags on
// every surface, with the scope's additions (prefix, suffix, negative prompt) and the user's own
// defaults applied under whatever the message itself says.
import type { Config } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';
import { type PromptParams, parsePrompt } from '../../core/flags/parse.ts';
import type { JobKind, JobRequest } from '../../core/job/job.ts';
import type { Defaults } from '../../core/job/limits.ts';
import type { Inputs, Origin } from '../../core/job/references.ts';
import type { ChatDefaults } from './chat-settings.ts';

export interface ChatRequestInput {
  kind: JobKind;
  /** The user's prompt with its flags. */
  text: string;
  /** Typed options (Discord's slash options); a flag in the text wins over an option. */
  options?: PromptParams;
  owner: string;
  origin: Origin;
  inputs?: Inputs;
  parent?: { jobId: string; index: number };
  /** What the guild's or chat's admins set. */
  scopeDefaults?: ChatDefaults;
  /** What the user set for themselves. */
  userDefaults?: ChatDefaults;
  config: Config;
}

export interface ChatRequest {
  request: JobRequest;
  /** What the scope and the user's settings added to the prompt, to show with the result. */
  added: { prefix?: string; suffix?: string; negativePrompt?: string };
}

const NEEDS_PROMPT: readonly JobKind[] = ['imagine', 'animate'];

function joined(parts: (string | undefined)[]): string | undefined {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return kept.length > 0 ? kept.join(', ') : undefined;
}

/** The message's text and options over the user's settings over the scope's over the server's. */
function layeredDefaults(config: Config, scope: ChatDefaults, user: ChatDefaults): Defaults {
  const pick = <K extends keyof ChatDefaults & keyof Defaults>(key: K): Defaults[K] =>
    (user[key] ?? scope[key] ?? config.defaults[key]) as Defaults[K];
  return {
    ...config.defaults,
    model: pick('model'),
    width: pick('width'),
    height: pick('height'),
    steps: pick('steps'),
    guidance: pick('guidance'),
    sampler: pick('sampler'),
  };
}

/** Throws a ValidationError naming every problem by the flag or option the user typed. */
export function buildChatRequest(input: ChatRequestInput): ChatRequest {
  const scope = input.scopeDefaults ?? {};
  const user = input.userDefaults ?? {};
  const defaults = layeredDefaults(input.config, scope, user);
  const parsed = parsePrompt(input.text, {
    limits: input.config.limits,
    defaults,
    video: input.kind === 'animate',
  });
  if (NEEDS_PROMPT.includes(input.kind) && parsed.prompt.trim() === '') {
    throw new ValidationError([{ field: 'prompt', problem: 'is empty: describe what to draw' }]);
  }
  const flags = parsed.params;
  const options = input.options ?? {};
  const prefix = joined([scope.prefix, user.prefix]);
  const suffix = joined([user.suffix, scope.suffix]);
  const addedNegative = joined([scope.negativePrompt, user.negativePrompt]);
  const ownNegative = flags.negativePrompt ?? options.negativePrompt;
  const video = { ...options.video, ...flags.video };
  const params: Record<string, unknown> = {
    prompt: joined([prefix, parsed.prompt, suffix]) ?? '',
    negativePrompt: joined([addedNegative, ownNegative]) ?? '',
    model: flags.model ?? options.model ?? defaults.model,
  };
  // Left out when nobody chose them, so the model's own defaults (its natural size, a Turbo's steps)
  // take their place over the server's.
  const sized = flags.width !== undefined || flags.height !== undefined ? flags : options;
  const chosen = {
    width: sized.width ?? user.width ?? scope.width,
    height: sized.height ?? user.height ?? scope.height,
    steps: flags.steps ?? options.steps ?? user.steps ?? scope.steps,
    guidance: flags.guidance ?? options.guidance ?? user.guidance ?? scope.guidance,
    sampler: flags.sampler ?? options.sampler ?? user.sampler ?? scope.sampler,
  };
  for (const [name, value] of Object.entries(chosen)) if (value !== undefined) params[name] = value;
  // --ar over the server's default area is fitted to the model's area; over a size someone set, it stays.
  const ownArea = [user.width, user.height, scope.width, scope.height].some((v) => v !== undefined);
  if (sized.aspectRatio !== undefined && !ownArea) params.aspectRatio = sized.aspectRatio;
  const optional = {
    seed: flags.seed ?? options.seed,
    count: flags.count ?? options.count,
    strength: flags.strength ?? options.strength,
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) params[name] = value;
  if (Object.keys(video).length > 0) params.video = video;
  const request: JobRequest = {
    kind: input.kind,
    owner: input.owner,
    origin: input.origin,
    params: params as JobRequest['params'],
    inputs: input.inputs ?? {},
    ...(input.parent ? { parent: input.parent } : {}),
  };
  const added: ChatRequest['added'] = {};
  if (prefix) added.prefix = prefix;
  if (suffix) added.suffix = suffix;
  if (addedNegative) added.negativePrompt = addedNegative;
  return { request, added };
}
