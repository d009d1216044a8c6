// The job message while it waits and renders: prompt, a text bar with step x/N or the place in line
// and the wait, the latest preview picture, and a cancel button.
import type { Job } from '../../../core/job/job.ts';
import type { ProgressView } from '../../shared/chat-jobs.ts';
import { progressText } from '../../shared/progress-text.ts';
import type { OutgoingMessage } from '../discord-api.ts';
import { progressButtons } from './result-buttons.ts';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function progressMessage(job: Job, view: ProgressView, preview?: Buffer): OutgoingMessage {
  const name = 'preview.jpg';
  // An animation's progress counts frames (its preview is the newest frame).
  const text = job.kind === 'animate' ? progressText(view).replace(' step ', ' frame ') : progressText(view);
  return {
    content: `**${clip(job.params.prompt || job.kind, 300)}**\n${text}`,
    embeds: preview ? [{ image: { url: `attachment://${name}` }, footer: { text: `job ${job.id}` } }] : [],
    components: progressButtons(job.id),
    files: preview ? [{ name, data: preview, contentType: 'image/jpeg' }] : [],
  };
}
