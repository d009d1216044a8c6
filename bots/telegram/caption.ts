// A result's caption: the prompt, what the chat added, the seed and parameters, and warnings, within
// Telegram's 1024 characters (the prompt line is shortened first).
import type { Job } from '../../core/job/job.ts';
import type { VideoOutcome } from '../../queue/components/services.ts';
import type { ChatRequest } from '../shared/chat-request.ts';
import { resultLines } from '../shared/result-text.ts';

export const MAX_CAPTION = 1024;

/** What the clip is: its frames, rate, motion and file as sent (a re-encode may have shrunk it). */
export function clipLine(job: Job, video: VideoOutcome): string {
  const v = job.params.video;
  const how = v?.morphSeed !== undefined ? `morph to seed ${v.morphSeed}` : `motion ${v?.motion ?? 'static'}`;
  const strength =
    v?.morphSeed !== undefined ? '' : ` · strength ${v?.strengthSchedule ?? job.params.strength}`;
  const seconds = (video.frames / video.fps).toFixed(1);
  return `🎞 ${video.frames} frames · ${video.fps} fps · ${seconds} s · ${how}${strength} · ${video.width}x${video.height} ${video.format}`;
}

export function resultCaption(
  job: Job,
  seeds: number[],
  added: ChatRequest['added'] = {},
  notes: readonly string[] = [],
  video?: VideoOutcome,
): string {
  const lines = resultLines(job, added);
  if (seeds.length > 1) lines.push(`seeds ${seeds.join(', ')} (left to right, top to bottom)`);
  if (video) lines.push(clipLine(job, video));
  lines.push(...notes.map((n) => `⚠ ${n}`));
  const text = lines.join('\n');
  if (text.length <= MAX_CAPTION) return text;
  const rest = lines.slice(1).join('\n');
  const room = MAX_CAPTION - rest.length - 2;
  return room > 20 ? `${lines[0].slice(0, room - 1)}…\n${rest}` : text.slice(0, MAX_CAPTION);
}
