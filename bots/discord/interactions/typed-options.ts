// Discord's typed options (negative, aspect, size, steps, cfg, sampler, seed, count, model,
// strength, motion, frames, fps) as prompt params; a flag typed in the prompt wins over them.
// Aspect and size are read by core's flag parser so they are checked the same way.
import type { Config } from '../../../core/config/config.ts';
import { type FieldProblem, ValidationError } from '../../../core/errors.ts';
import { normaliseSampler } from '../../../core/flags/flag-table.ts';
import type { PromptParams } from '../../../core/flags/parse.ts';
import { parsePrompt } from '../../../core/flags/parse.ts';
import type { Motion, Sampler } from '../../../core/job/limits.ts';
import { type CommandInput, number, text } from './command-input.ts';

function sizeFrom(
  flag: '--ar' | '--size',
  value: string,
  config: Config,
  option: string,
  problems: FieldProblem[],
) {
  try {
    return parsePrompt(`${flag} ${JSON.stringify(value)}`, {
      limits: config.limits,
      defaults: config.defaults,
    }).params;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems.map((p) => ({ ...p, field: option })));
    return {};
  }
}

export function typedOptions(input: CommandInput, config: Config): PromptParams {
  const problems: FieldProblem[] = [];
  const params: PromptParams = {};
  const aspect = text(input, 'aspect');
  const size = text(input, 'size');
  if (aspect && size)
    problems.push({ field: 'aspect', problem: 'and size both set the size: use one of them' });
  else if (aspect) Object.assign(params, sizeFrom('--ar', aspect, config, 'aspect', problems));
  else if (size) Object.assign(params, sizeFrom('--size', size, config, 'size', problems));
  const negative = text(input, 'negative');
  if (negative) params.negativePrompt = negative;
  const steps = number(input, 'steps');
  if (steps !== undefined) params.steps = steps;
  const cfg = number(input, 'cfg');
  if (cfg !== undefined) params.guidance = cfg;
  const sampler = text(input, 'sampler');
  // Typed freely when there are too many samplers for Discord's choices: read like --sampler.
  if (sampler) params.sampler = normaliseSampler(sampler) ?? (sampler as Sampler);
  const seed = number(input, 'seed');
  if (seed !== undefined) params.seed = seed;
  const count = number(input, 'count');
  if (count !== undefined) params.count = count;
  const model = text(input, 'model');
  if (model) params.model = model;
  const strength = number(input, 'strength');
  if (strength !== undefined) params.strength = strength;
  const video: NonNullable<PromptParams['video']> = {};
  const motion = text(input, 'motion');
  if (motion) video.motion = motion as Motion;
  const frames = number(input, 'frames');
  if (frames !== undefined) video.frames = frames;
  const fps = number(input, 'fps');
  if (fps !== undefined) video.fps = fps;
  if (Object.keys(video).length > 0) params.video = video;
  if (problems.length > 0) throw new ValidationError(problems, 'cannot read the options');
  return params;
}
