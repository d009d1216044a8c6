// Where a hook's result goes. Each destination type is a config schema plus the job origin it becomes;
// a chat surface adds its type here (a Discord channel, a Telegram chat) and hooks need no other change.
import { z } from 'zod';
import { CALLBACK_EVENTS, type Origin } from '../../../core/job/references.ts';

const CallbackDestination = z
  .object({
    type: z.literal('callback'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    events: z.array(z.enum(CALLBACK_EVENTS)).optional(),
  })
  .strict();

const DiscordDestination = z
  .object({
    type: z.literal('discord'),
    channelId: z.string().regex(/^\d{1,20}$/, 'must be a Discord channel id (digits)'),
  })
  .strict();

const TelegramDestination = z
  .object({
    type: z.literal('telegram'),
    chatId: z.union([
      z.number().int(),
      z
        .string()
        .regex(
          /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/,
          'must be a chat id (digits, groups start with -) or @channel',
        ),
    ]),
    /** A topic of a forum group. */
    threadId: z.number().int().positive().optional(),
  })
  .strict();

export const HookDestinationSchema = z.discriminatedUnion(
  'type',
  [CallbackDestination, DiscordDestination, TelegramDestination],
  {
    error:
      'must be {"type": "callback", "url": "https://..."}, {"type": "discord", "channelId": "..."} or {"type": "telegram", "chatId": ...}',
  },
);

export type HookDestination = z.infer<typeof HookDestinationSchema>;

/** What of the server's config a destination may need. */
export interface DestinationServer {
  callbackSecret?: string;
  discord?: { token?: string; applicationId?: string };
  telegram?: { token?: string };
}

interface DestinationType<D> {
  origin(destination: D, hook: string, server: DestinationServer): Origin;
  /** What the server must have for this destination, as a problem text when it is missing. */
  needs?(server: DestinationServer): string | undefined;
}

const DESTINATIONS: {
  [T in HookDestination['type']]: DestinationType<Extract<HookDestination, { type: T }>>;
} = {
  callback: {
    origin: (d, hook) => ({
      surface: 'http',
      callbackUrl: d.url,
      ...(d.events ? { callbackEvents: d.events } : {}),
      hook,
    }),
    needs: (server) => (server.callbackSecret ? undefined : 'needs CALLBACK_SECRET to sign its callbacks'),
  },
  // The result is posted into the channel by the bot (the queue's Discord replier).
  discord: {
    origin: (d, _hook, server) => ({
      surface: 'discord',
      applicationId: server.discord?.applicationId ?? '0',
      channelId: d.channelId,
    }),
    needs: (server) =>
      server.discord?.token && server.discord.applicationId
        ? undefined
        : 'needs DISCORD_TOKEN and DISCORD_APPLICATION_ID to post into a Discord channel',
  },
  // The result is posted into the chat by the bot (the queue's Telegram replier).
  telegram: {
    origin: (d) => ({
      surface: 'telegram',
      chatId: typeof d.chatId === 'string' && /^-?\d+$/.test(d.chatId) ? Number(d.chatId) : d.chatId,
      ...(d.threadId ? { threadId: d.threadId } : {}),
    }),
    needs: (server) =>
      server.telegram?.token ? undefined : 'needs TELEGRAM_BOT_TOKEN to post into a Telegram chat',
  },
};

export function destinationOrigin(
  destination: HookDestination,
  hook: string,
  server: DestinationServer = {},
): Origin {
  const type = DESTINATIONS[destination.type] as DestinationType<HookDestination>;
  return type.origin(destination, hook, server);
}

export function destinationNeeds(destination: HookDestination, server: DestinationServer) {
  return DESTINATIONS[destination.type].needs?.(server);
}
