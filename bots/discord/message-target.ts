// Where a job's message is: the interaction's own message while its token is valid (15 minutes),
// then the channel message by id with the bot token.
import type { Job } from '../../core/job/job.ts';
import type { ChatRequest } from '../shared/chat-request.ts';
import type { JobMessages } from '../shared/job-messages.ts';

/** Interaction tokens last 15 minutes; stop using them a minute early. */
const TOKEN_LIFE_MS = 14 * 60 * 1000;
const DISCORD_EPOCH = 1420070400000n;

/** When a snowflake (an interaction id) was made. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export type DiscordOrigin = Extract<Job['origin'], { surface: 'discord' }>;

export interface MessageTarget {
  channelId: string;
  messageId?: string;
  /** Set while the interaction token may still edit the message. */
  interaction?: { applicationId: string; token: string };
  added: ChatRequest['added'];
  /** What the link to the job's message holds (kept when the link is renewed). */
  linkData: Record<string, string>;
}

export function messageKey(channelId: string, messageId: string): string {
  return `discord:${channelId}:${messageId}`;
}

export function parseMessageKey(key: string): { channelId: string; messageId?: string } | undefined {
  const m = /^discord:(\d+):(\d+|original)$/.exec(key);
  if (!m) return undefined;
  return m[2] === 'original' ? { channelId: m[1] } : { channelId: m[1], messageId: m[2] };
}

export async function messageTarget(
  job: Job,
  jobMessages: JobMessages,
  now = Date.now(),
): Promise<MessageTarget> {
  const origin = job.origin as DiscordOrigin;
  const link = await jobMessages.messageOf(job.id);
  const linked = link ? parseMessageKey(link.messageKey) : undefined;
  let added: ChatRequest['added'] = {};
  try {
    added = link?.data.added ? JSON.parse(link.data.added) : {};
  } catch {
    added = {};
  }
  const issued = origin.interactionId ? snowflakeTime(origin.interactionId) : Date.parse(job.createdAt);
  const tokenValid = origin.interactionToken !== undefined && now - issued < TOKEN_LIFE_MS;
  return {
    channelId: linked?.channelId ?? origin.channelId,
    messageId: linked?.messageId ?? origin.messageId,
    ...(tokenValid
      ? { interaction: { applicationId: origin.applicationId, token: origin.interactionToken! } }
      : {}),
    added,
    linkData: link?.data ?? {},
  };
}
