// The final message of a job: the picture (a grid when there are several) as an attachment, an
// embed with everything that reproduces it and what the server added, and the follow-up buttons.
import type { APIEmbed, APIEmbedField } from 'discord.js';
import sharp from 'sharp';
import type { Job } from '../../../core/job/job.ts';
import type { ArtifactStore } from '../../../queue/artifacts/artifact-store.ts';
import type { Outcome } from '../../../queue/components/services.ts';
import type { ChatRequest } from '../../shared/chat-request.ts';
import type { OutgoingMessage } from '../discord-api.ts';
import { resultButtons } from './result-buttons.ts';

type Pictures = Extract<Outcome, { ok: true }>;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function seedsOf(outcome: Pictures): string {
  const seeds = outcome.images.map((i) => i.seed);
  return seeds.length === 1 ? String(seeds[0]) : `${seeds[0]} (pictures: ${seeds.join(', ')})`;
}

export function resultEmbed(
  job: Job,
  outcome: Pictures,
  added: ChatRequest['added'],
  /** The attached picture the embed shows; none for a video (Discord plays the attachment). */
  image: string | undefined,
  size: { width: number; height: number } = job.params,
): APIEmbed {
  const p = job.params;
  const inline = (name: string, value: string): APIEmbedField => ({
    name,
    value: clip(value, 1024),
    inline: true,
  });
  const fields: APIEmbedField[] = [
    { name: 'Negative prompt', value: clip(p.negativePrompt || '(none)', 1024) },
    inline('Seed', seedsOf(outcome)),
    inline('Sampler', p.sampler),
    inline('Steps', String(p.steps)),
    inline('Size', `${size.width}x${size.height}`),
    inline('Model', p.model),
  ];
  if (job.kind === 'remix' || job.kind === 'variation' || job.kind === 'upscale' || job.kind === 'inpaint')
    fields.push(inline('Strength', String(p.strength)));
  if (outcome.video) {
    fields.push(inline('Frames', String(outcome.video.frames)), inline('FPS', String(outcome.video.fps)));
    if (p.video) fields.push(inline('Motion', String(p.video.motion)));
  }
  const extras = [
    added.prefix ? `prefix: ${added.prefix}` : undefined,
    added.suffix ? `suffix: ${added.suffix}` : undefined,
    added.negativePrompt ? `negative: ${added.negativePrompt}` : undefined,
  ].filter((x): x is string => !!x);
  if (extras.length > 0) fields.push({ name: 'Added by this server', value: clip(extras.join('\n'), 1024) });
  if (outcome.warnings.length > 0)
    fields.push({ name: 'Note', value: clip(outcome.warnings.join('\n'), 1024) });
  return {
    title: job.kind,
    description: clip(p.prompt || '(no prompt)', 4000),
    fields,
    ...(image ? { image: { url: `attachment://${image}` } } : {}),
    footer: { text: `job ${job.id}` },
  };
}

export async function resultMessage(
  job: Job,
  outcome: Pictures,
  artifacts: ArtifactStore,
  options: { added: ChatRequest['added']; buttons: boolean; mention?: string },
): Promise<OutgoingMessage> {
  if (outcome.video) return videoMessage(job, outcome, outcome.video, artifacts, options);
  const several = outcome.images.length > 1 && outcome.grid;
  const artifactId = several ? outcome.grid! : outcome.images[0]!.artifact;
  const stored = await artifacts.get(artifactId);
  if (!stored) throw new Error(`result picture ${artifactId} of ${job.id} is missing`);
  const name = `${job.kind}-${job.params.seed}${several ? '-grid' : ''}.png`;
  // The pictures' own size: an upscale is larger than the job's params say.
  const first = several ? await artifacts.get(outcome.images[0]!.artifact) : stored;
  const meta = first ? await sharp(first.bytes).metadata() : undefined;
  const size = meta?.width && meta.height ? { width: meta.width, height: meta.height } : job.params;
  return {
    content: options.mention ? `<@${options.mention}>` : '',
    embeds: [resultEmbed(job, outcome, options.added, name, size)],
    components: options.buttons ? resultButtons(job.id, outcome.images.length) : [],
    files: [{ name, data: stored.bytes, contentType: stored.contentType }],
  };
}

/** An animate job's clip as the attachment, with reroll, edit and delete. */
async function videoMessage(
  job: Job,
  outcome: Pictures,
  video: NonNullable<Pictures['video']>,
  artifacts: ArtifactStore,
  options: { added: ChatRequest['added']; buttons: boolean },
): Promise<OutgoingMessage> {
  const stored = await artifacts.get(video.artifact);
  if (!stored) throw new Error(`result video ${video.artifact} of ${job.id} is missing`);
  const name = `${job.kind}-${job.params.seed}.${video.format}`;
  return {
    content: '',
    embeds: [resultEmbed(job, outcome, options.added, undefined, video)],
    components: options.buttons ? resultButtons(job.id, 0) : [],
    files: [{ name, data: stored.bytes, contentType: video.contentType }],
  };
}

/** A job that failed or was cancelled after it was accepted: the reason in place of the picture. */
export function failureMessage(job: Job, outcome: Extract<Outcome, { ok: false }>): OutgoingMessage {
  const cancelled = outcome.code === 'cancelled';
  return {
    content: `${cancelled ? '🚫 Cancelled' : '❌ Failed'}: ${clip(outcome.message, 1800)}\n> ${clip(job.params.prompt, 180)}`,
    embeds: [],
    components: [],
    files: [],
  };
}
