// Where a job's pictures come from and where its answer goes. Jobs carry references, never bytes.
import { z } from 'zod';

const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord id (digits)');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const MediaRefSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('url'), url: httpUrl }),
    z.object({
      type: z.literal('artifact'),
      id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an artifact id (letters, digits, - and _)'),
    }),
    z.object({
      type: z.literal('platform'),
      platform: z.enum(['discord', 'telegram']),
      fileId: z.string().min(1, 'must not be empty').max(512),
      url: httpUrl.optional(),
    }),
  ],
  { error: 'must be one of {type: "url"}, {type: "artifact"}, {type: "platform"}' },
);
export type MediaRef = z.infer<typeof MediaRefSchema>;

export const InputsSchema = z
  .object({ image: MediaRefSchema.optional(), mask: MediaRefSchema.optional() })
  .strict();
export type Inputs = z.infer<typeof InputsSchema>;

export const CALLBACK_EVENTS = ['started', 'progress', 'done', 'failed'] as const;

export const OriginSchema = z.discriminatedUnion(
  'surface',
  [
    z.object({
      surface: z.literal('discord'),
      applicationId: snowflake,
      channelId: snowflake,
      guildId: snowflake.optional(),
      interactionId: snowflake.optional(),
      interactionToken: z.string().max(512).optional(),
      messageId: snowflake.optional(),
    }),
    z.object({
      surface: z.literal('telegram'),
      chatId: z.union([z.number().int(), z.string().regex(/^@?[\w-]{1,64}$/)]),
      messageId: z.number().int().positive().optional(),
      threadId: z.number().int().positive().optional(),
    }),
    z.object({
      surface: z.literal('http'),
      callbackUrl: httpUrl.optional(),
      callbackEvents: z.array(z.enum(CALLBACK_EVENTS)).optional(),
      hook: z.string().max(64).optional(),
      /** The job came through the AUTOMATIC1111-compatible API, which takes an empty prompt as A1111 does. */
      compat: z.literal('a1111').optional(),
    }),
  ],
  { error: 'must name its surface: "discord", "telegram" or "http"' },
);
export type Origin = z.infer<typeof OriginSchema>;

/** A stable user id per platform: `discord:123`, `telegram:456`, `key:abc`, `hook:name`. */
export const OwnerSchema = z
  .string()
  .regex(
    /^(discord|telegram|key|hook):[A-Za-z0-9_.-]{1,128}$/,
    'must look like discord:ID, telegram:ID, key:NAME or hook:NAME',
  );
