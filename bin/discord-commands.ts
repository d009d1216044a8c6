// `npm run discord:commands -- [--global | --guild ID]`: registers the bot's commands with one bulk
// overwrite (DISCORD_DEV_GUILD when set, else global), for deployments that do it apart from the bot.
import { deployDiscordCommands } from '../bots/discord/commands/deploy-commands.ts';
import { ValidationError } from '../core/index.ts';
import { loadConfig } from './config-file.ts';

const args = process.argv.slice(2);
const guildAt = args.indexOf('--guild');
const guildId = guildAt >= 0 ? args[guildAt + 1] : undefined;
if (guildAt >= 0 && !/^\d{1,20}$/.test(guildId ?? '')) {
  console.error('--guild needs a guild id (digits)');
  process.exit(2);
}
try {
  const done = await deployDiscordCommands(loadConfig(), { guildId, global: args.includes('--global') });
  console.log(
    `registered ${done.count} commands for application ${done.applicationId} ${done.guildId ? `in guild ${done.guildId}` : 'globally'}`,
  );
} catch (err) {
  console.error(
    err instanceof ValidationError ? err.message : `could not register: ${(err as Error).message}`,
  );
  process.exit(1);
}
