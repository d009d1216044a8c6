// Per-user and per-scope (Discord guild, Telegram chat) defaults that `/settings` changes, kept in
// Redis so every bot process and restart sees the same. A scope's admins set what is added to every
// prompt there (the "a_prompt"/"n_prompt" of inpainting tools); users set their own defaults.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { SAMPLERS, type Sampler } from '../../core/job/limits.ts';
import { problemsFromZod } from '../../core/job/zod-problems.ts';

export interface ChatDefaults {
  /** Added before every prompt. */
  prefix?: string;
  /** Added after every prompt. */
  suffix?: string;
  /** Joined before the user's own `--no` text. */
  negativePrompt?: string;
  model?: string;
  width?: number;
  height?: number;
  steps?: number;
  guidance?: number;
  sampler?: Sampler;
}

export const SETTING_NAMES = [
  'prefix',
  'suffix',
  'negativePrompt',
  'model',
  'width',
  'height',
  'steps',
  'guidance',
  'sampler',
] as const satisfies readonly (keyof ChatDefaults)[];

const text = z.string().trim().max(500, 'must be at most 500 characters');
const whole = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number between ${min} and ${max}` })
    .int(`must be a whole number between ${min} and ${max}`)
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);
const side = whole(64, 8192).refine((v) => v % 8 === 0, 'must be a multiple of 8');

const SettingSchemas = {
  prefix: text,
  suffix: text,
  negativePrompt: text,
  model: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a model name (letters, digits, . _ -)'),
  width: side,
  height: side,
  steps: whole(1, 1000),
  guidance: z.coerce
    .number({ error: 'must be a number between 0 and 30' })
    .min(0, 'must be between 0 and 30')
    .max(30, 'must be between 0 and 30'),
  sampler: z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }),
} satisfies Record<keyof ChatDefaults, z.ZodType>;

const StoredSchema = z.object(SettingSchemas).partial();

export type SettingsPatch = Partial<Record<keyof ChatDefaults, string | number | null>>;

export class ChatSettings {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private key(scope: string): string {
    return `${this.keyPrefix}:chat-settings:${scope}`;
  }

  async get(scope: string): Promise<ChatDefaults> {
    const raw = await this.redis.get(this.key(scope));
    if (!raw) return {};
    const parsed = StoredSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as ChatDefaults) : {};
  }

  /** Sets the given fields (null or '' clears one). Throws a ValidationError naming each bad setting. */
  async update(scope: string, patch: SettingsPatch): Promise<ChatDefaults> {
    const problems = [];
    const next: Record<string, unknown> = { ...(await this.get(scope)) };
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in SettingSchemas)) {
        problems.push({ field: name, problem: `is not a setting; settings: ${SETTING_NAMES.join(', ')}` });
        continue;
      }
      if (value === null || value === undefined || value === '') {
        delete next[name];
        continue;
      }
      const parsed = SettingSchemas[name as keyof ChatDefaults].safeParse(value, { reportInput: true });
      if (parsed.success) next[name] = parsed.data;
      else problems.push(...problemsFromZod(parsed.error).map((p) => ({ ...p, field: name, value })));
    }
    if (problems.length > 0) throw new ValidationError(problems, 'cannot change the settings');
    if (Object.keys(next).length === 0) await this.redis.del(this.key(scope));
    else await this.redis.set(this.key(scope), JSON.stringify(next));
    return next as ChatDefaults;
  }

  async clear(scope: string): Promise<void> {
    await this.redis.del(this.key(scope));
  }
}

const LABELS: Record<keyof ChatDefaults, string> = {
  prefix: 'prompt prefix',
  suffix: 'prompt suffix',
  negativePrompt: 'negative prompt',
  model: 'model',
  width: 'width',
  height: 'height',
  steps: 'steps',
  guidance: 'guidance',
  sampler: 'sampler',
};

/** One line per set field, for `/settings` answers; says so when nothing is set. */
export function describeDefaults(d: ChatDefaults): string {
  const lines = SETTING_NAMES.filter((n) => d[n] !== undefined).map((n) => `${LABELS[n]}: ${d[n]}`);
  return lines.length > 0 ? lines.join('\n') : 'nothing set: the server defaults apply';
}
