// Registers the commands with one bulk overwrite: in the development guild when one is configured
// (they show at once there), globally otherwise. Skipped when the same definitions were registered
// before (a hash kept in Redis) and Discord still lists the same command names.
import { createHash } from 'node:crypto';
import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { Redis } from 'ioredis';
import type { DiscordApi } from '../discord-api.ts';

export interface RegisterOptions {
  api: DiscordApi;
  applicationId: string;
  commands: RESTPostAPIApplicationCommandsJSONBody[];
  guildId?: string;
  /** Remembers what was registered; without it the overwrite always runs. */
  memory?: { redis: Redis; keyPrefix: string };
}

export type RegisterResult = 'registered' | 'unchanged';

export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const { api, applicationId, commands, guildId, memory } = options;
  const hash = createHash('sha256').update(JSON.stringify(commands)).digest('hex');
  const key = memory && `${memory.keyPrefix}:discord:commands:${applicationId}:${guildId ?? 'global'}`;
  if (memory && key && (await memory.redis.get(key)) === hash) {
    const listed = await api.commands(applicationId, guildId).catch(() => undefined);
    const names = (list: { name: string; type?: number }[]) =>
      list
        .map((c) => `${c.type ?? 1}:${c.name}`)
        .sort()
        .join(',');
    if (listed && names(listed) === names(commands)) return 'unchanged';
  }
  await api.overwriteCommands(applicationId, commands, guildId);
  if (memory && key) await memory.redis.set(key, hash);
  return 'registered';
}
