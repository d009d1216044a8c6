// Maps the JSON a hook receives to job params, as the hook's config says:
//   { prompt: "{{issue.title}} in watercolor", negativePrompt: "{{ negative | default: 'blurry' }}", seed: "{{seed}}" }
// Templates are checked when the config is read, so a typo fails at start-up, not on the first call.
import { type FieldProblem, ValidationError } from '../../../core/errors.ts';
import { didYouMean } from '../../../core/text/closest.ts';
import { cutAt, fillTemplate, parseTemplate, type TemplatePiece } from './template-text.ts';

export const HOOK_TEXT_PARAMS = ['prompt', 'negativePrompt', 'sampler', 'model'] as const;
export const HOOK_NUMBER_PARAMS = [
  'width',
  'height',
  'steps',
  'guidance',
  'seed',
  'count',
  'strength',
] as const;

type TextParam = (typeof HOOK_TEXT_PARAMS)[number];
type NumberParam = (typeof HOOK_NUMBER_PARAMS)[number];
export type HookParam = TextParam | NumberParam;

/** What a hook turns a payload into: params for the job, still to be validated like any other. */
export type HookParams = Partial<Record<TextParam, string> & Record<NumberParam, number>>;

export interface CompiledHookTemplate {
  /** Where errors are filed, e.g. `hooks.github.params`. */
  field: string;
  params: { name: HookParam; pieces: TemplatePiece[]; source: string }[];
}

const ALL_PARAMS: readonly string[] = [...HOOK_TEXT_PARAMS, ...HOOK_NUMBER_PARAMS];
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** Checks every template of a hook config; a ValidationError names each bad one. */
export function compileHookTemplate(config: unknown, opts: { field?: string } = {}): CompiledHookTemplate {
  const field = opts.field ?? 'hook';
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ValidationError([
      { field, problem: 'must be an object of param templates, e.g. { "prompt": "{{title}}" }' },
    ]);
  }
  const problems: FieldProblem[] = [];
  const params: CompiledHookTemplate['params'] = [];
  for (const [name, value] of Object.entries(config)) {
    const at = `${field}.${name}`;
    if (!ALL_PARAMS.includes(name)) {
      problems.push({ field: at, problem: `is not a param a hook can set${didYouMean(name, ALL_PARAMS)}` });
      continue;
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      problems.push({ field: at, value, problem: 'must be a template text or a number' });
      continue;
    }
    const source = String(value);
    const parsed = parseTemplate(source);
    if ('problem' in parsed) problems.push({ field: at, problem: parsed.problem });
    else params.push({ name: name as HookParam, pieces: parsed.pieces, source });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { field, params };
}

/**
 * The params a payload gives. Texts are trimmed and cut to `maxChars`; numbers are converted, and an
 * empty result is left out so the configured default applies (the prompt is kept even when empty, so
 * the job can say it is). A non-number where a number belongs is a ValidationError naming the param.
 */
export function applyHookTemplate(
  template: CompiledHookTemplate,
  payload: unknown,
  opts: { maxChars?: number } = {},
): HookParams {
  const maxChars = opts.maxChars ?? 2000;
  const out: Record<string, string | number> = {};
  const problems: FieldProblem[] = [];
  for (const { name, pieces, source } of template.params) {
    const text = cutAt(fillTemplate(pieces, payload, maxChars).trim(), maxChars);
    if ((HOOK_NUMBER_PARAMS as readonly string[]).includes(name)) {
      if (text === '') continue;
      if (NUMBER.test(text)) out[name] = Number(text);
      else {
        problems.push({
          field: `${template.field}.${name}`,
          value: text,
          problem: `must be a number (from the template ${JSON.stringify(source)})`,
        });
      }
    } else if (text !== '' || name === 'prompt') {
      out[name] = text;
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out as HookParams;
}

/** Compile and apply in one go, for a config read once and used once. */
export function renderHookTemplate(
  config: unknown,
  payload: unknown,
  opts: { field?: string; maxChars?: number } = {},
): HookParams {
  return applyHookTemplate(compileHookTemplate(config, opts), payload, opts);
}
