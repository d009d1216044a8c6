// What a result says about itself, the same on every surface: the prompt, what the server added,
// and the parameters that reproduce it. Discord embeds and Telegram captions lay these lines out.
import type { Job } from '../../core/job/job.ts';
import type { ChatRequest } from './chat-request.ts';

export function parameterLine(job: Job, seed = job.params.seed): string {
  const p = job.params;
  return `seed ${seed} · ${p.sampler} · ${p.steps} steps · cfg ${p.guidance} · ${p.width}x${p.height} · ${p.model}`;
}

export function resultLines(job: Job, added: ChatRequest['added'] = {}): string[] {
  const p = job.params;
  const lines = [`prompt: ${p.prompt || '(none)'}`];
  if (p.negativePrompt) lines.push(`negative: ${p.negativePrompt}`);
  lines.push(parameterLine(job));
  if (job.kind === 'remix' || job.kind === 'variation' || job.kind === 'upscale')
    lines.push(`strength ${p.strength}`);
  const extras = [
    added.prefix ? `prefix "${added.prefix}"` : undefined,
    added.suffix ? `suffix "${added.suffix}"` : undefined,
    added.negativePrompt ? `negative "${added.negativePrompt}"` : undefined,
  ].filter(Boolean);
  if (extras.length > 0) lines.push(`added by this chat's settings: ${extras.join(', ')}`);
  return lines;
}

/**
 * The job's own prompt and flags as a user would type them, for an edit box or a regenerate: parsing
 * it again gives the same job, less the seed (a new attempt) and what the chat's settings add anyway.
 */
export function promptWithFlags(job: Job, added: ChatRequest['added'] = {}): string {
  const p = job.params;
  let prompt = p.prompt;
  if (added.prefix && prompt.startsWith(`${added.prefix}, `)) prompt = prompt.slice(added.prefix.length + 2);
  if (added.suffix && prompt.endsWith(`, ${added.suffix}`))
    prompt = prompt.slice(0, -(added.suffix.length + 2));
  let negative = p.negativePrompt;
  if (added.negativePrompt && negative.startsWith(added.negativePrompt))
    negative = negative.slice(added.negativePrompt.length).replace(/^,\s*/, '');
  const parts = [prompt, `--size ${p.width}x${p.height}`, `--steps ${p.steps}`, `--cfg ${p.guidance}`];
  parts.push(`--sampler ${p.sampler}`, `--model ${p.model}`);
  if (p.count > 1) parts.push(`--n ${p.count}`);
  if (negative) parts.push(`--no ${negative}`);
  return parts.filter(Boolean).join(' ');
}
