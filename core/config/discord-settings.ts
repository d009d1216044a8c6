// The Discord bot's settings: credentials, where Discord's API and CDN are, and the server policy
// (allowed guilds and channels, options gated by role, NSFW terms, per-guild prompt rules).
import { z } from 'zod';

const snowflake = /^\d{1,20}$/;

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const snowflakes = list.pipe(
  z.array(z.string().regex(snowflake, 'must list Discord ids (digits), comma separated')),
);

export const GATED_OPTIONS = ['steps', 'count', 'pixels', 'video'] as const;
export type GatedOption = (typeof GATED_OPTIONS)[number];

/** `steps>30=111|222`: steps above 30 need one of the roles 111 or 222; `video=333`: any video. */
export interface RoleGate {
  option: GatedOption;
  /** The most allowed without one of the roles; absent: the option is gated whatever its value. */
  above?: number;
  roles: string[];
}

const GATE = /^(steps|count|pixels|video)(?:>(\d+))?=(\d{1,20}(?:\|\d{1,20})*)$/;

const roleGates = list.transform((entries, ctx) => {
  const gates: RoleGate[] = [];
  for (const entry of entries) {
    const m = GATE.exec(entry);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        input: entry,
        message: `must be OPTION[>N]=ROLE|ROLE with OPTION one of ${GATED_OPTIONS.join(', ')}, e.g. steps>30=123456789012345678`,
      });
      continue;
    }
    gates.push({
      option: m[1] as GatedOption,
      ...(m[2] !== undefined ? { above: Number(m[2]) } : {}),
      roles: m[3].split('|'),
    });
  }
  return gates;
});

const RULE = /^(\d{1,20}):(.+)$/;

/** `GUILD:term|term,GUILD2:term`: prompts with these terms are refused in that guild. */
const promptRules = list.transform((entries, ctx) => {
  const rules: Record<string, string[]> = {};
  for (const entry of entries) {
    const m = RULE.exec(entry);
    const terms = m?.[2]
      .split('|')
      .map((t) => t.trim())
      .filter(Boolean);
    if (!m || !terms || terms.length === 0) {
      ctx.addIssue({
        code: 'custom',
        input: entry,
        message: 'must be GUILD_ID:term|term, e.g. 123:gore|blood',
      });
      continue;
    }
    rules[m[1]] = [...(rules[m[1]] ?? []), ...terms];
  }
  return rules;
});

const DEFAULT_CDN = ['https://cdn.discordapp.com', 'https://media.discordapp.net'];

export const DiscordEnvSchema = {
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'must be the numeric application id').optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the application's public key (64 hex digits)")
    .optional(),
  DISCORD_API_BASE: z
    .url({ error: 'must be a URL, e.g. https://discord.com/api' })
    .default('https://discord.com/api'),
  DISCORD_CDN_BASE: list
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must list http(s) URLs, comma separated' })))
    .default(DEFAULT_CDN),
  DISCORD_DEV_GUILD: z.string().regex(snowflake, 'must be a guild id (digits)').optional(),
  DISCORD_REGISTER_COMMANDS: z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === '1' || v === 'true' || v === 'yes')
    .default(true),
  DISCORD_ALLOWED_GUILDS: snowflakes.default([]),
  DISCORD_ALLOWED_CHANNELS: snowflakes.default([]),
  DISCORD_ROLE_GATES: roleGates.default([]),
  DISCORD_NSFW_TERMS: list.default([]),
  DISCORD_PROMPT_RULES: promptRules.default({}),
};

type DiscordEnv = z.output<z.ZodObject<typeof DiscordEnvSchema>>;

export interface DiscordConfig {
  token?: string;
  applicationId?: string;
  /** Ed25519 key (hex) that signs HTTP interactions; set it to serve POST /discord/interactions. */
  publicKey?: string;
  /** REST base without the version, e.g. https://discord.com/api. */
  apiBase: string;
  /** Where attachments may be fetched from (scheme, host and port of each). */
  cdnBases: string[];
  /** Commands are registered in this guild only (they show at once) instead of globally. */
  devGuild?: string;
  registerCommands: boolean;
  policy: {
    /** Empty: every guild (and direct messages). */
    allowedGuilds: string[];
    /** Empty: every channel. */
    allowedChannels: string[];
    roleGates: RoleGate[];
    /** Prompts with these terms only render in age-restricted channels. */
    nsfwTerms: string[];
    /** Per guild id: terms refused by the moderate component. */
    promptRules: Record<string, string[]>;
  };
}

export function discordConfig(e: DiscordEnv): DiscordConfig {
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    publicKey: e.DISCORD_PUBLIC_KEY,
    apiBase: e.DISCORD_API_BASE.replace(/\/+$/, ''),
    cdnBases: e.DISCORD_CDN_BASE,
    devGuild: e.DISCORD_DEV_GUILD,
    registerCommands: e.DISCORD_REGISTER_COMMANDS,
    policy: {
      allowedGuilds: e.DISCORD_ALLOWED_GUILDS,
      allowedChannels: e.DISCORD_ALLOWED_CHANNELS,
      roleGates: e.DISCORD_ROLE_GATES,
      nsfwTerms: e.DISCORD_NSFW_TERMS,
      promptRules: e.DISCORD_PROMPT_RULES,
    },
  };
}
