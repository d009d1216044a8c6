// Registration for deployments that register separately from the bot (e.g. HTTP interactions mode,
// or DISCORD_REGISTER_COMMANDS=false): one bulk overwrite, in DISCORD_DEV_GUILD or globally.
import type { Config } from '../../../core/config/config.ts';
import { DiscordApi } from '../discord-api.ts';
import { commandDefinitions } from './command-definitions.ts';
import { registerCommands } from './register-commands.ts';

export async function deployDiscordCommands(
  config: Config,
  options: { guildId?: string; global?: boolean } = {},
): Promise<{ applicationId: string; guildId?: string; count: number }> {
  if (!config.discord.token)
    throw new Error('DISCORD_TOKEN is not set: it is needed to register the commands');
  const api = new DiscordApi({ token: config.discord.token, apiBase: config.discord.apiBase });
  const applicationId = config.discord.applicationId ?? (await api.applicationId());
  const guildId = options.global ? undefined : (options.guildId ?? config.discord.devGuild);
  const commands = commandDefinitions(config);
  await registerCommands({ api, applicationId, commands, guildId });
  return { applicationId, ...(guildId ? { guildId } : {}), count: commands.length };
}
