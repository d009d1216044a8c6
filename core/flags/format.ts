// Writes a parsed prompt back as text with flags: shown in replies ("/imagine ... --seed 7") and
// reused by reroll buttons, so parsing it again gives the same job.
import type { ParsedPrompt } from './parse.ts';

export function formatPrompt(parsed: ParsedPrompt): string {
  const p = parsed.params;
  const parts: string[] = parsed.prompt === '' ? [] : [parsed.prompt];
  if (parsed.aspectRatio !== undefined) parts.push(`--ar ${parsed.aspectRatio}`);
  else if (p.width !== undefined && p.height !== undefined) parts.push(`--size ${p.width}x${p.height}`);
  if (p.seed !== undefined) parts.push(`--seed ${p.seed}`);
  if (p.steps !== undefined) parts.push(`--steps ${p.steps}`);
  if (p.guidance !== undefined) parts.push(`--cfg ${p.guidance}`);
  if (p.sampler !== undefined) parts.push(`--sampler ${p.sampler}`);
  if (p.count !== undefined) parts.push(`--n ${p.count}`);
  if (p.strength !== undefined) parts.push(`--strength ${p.strength}`);
  if (p.model !== undefined) parts.push(`--model ${p.model}`);
  if (p.video?.frames !== undefined) parts.push(`--frames ${p.video.frames}`);
  if (p.video?.fps !== undefined) parts.push(`--fps ${p.video.fps}`);
  if (p.video?.motion !== undefined) parts.push(`--motion ${p.video.motion}`);
  if (p.video?.strengthSchedule !== undefined)
    parts.push(`--strength-schedule ${p.video.strengthSchedule.replace(/\s+/g, '')}`);
  if (p.video?.morphSeed !== undefined) parts.push(`--morph-seed ${p.video.morphSeed}`);
  if (p.negativePrompt !== undefined) parts.push(`--no ${p.negativePrompt}`);
  return parts.join(' ');
}
