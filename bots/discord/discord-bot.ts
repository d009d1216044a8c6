// The gateway bot (discord.js): registers the commands, then hands every INTERACTION_CREATE to the
// handlers, answering through the REST callback. Results are posted by the queue's replier, so a
// restart loses none; buttons carry their job id.

import type { APIInteraction } from 'discord.js';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import { type BotContext, closeBotContext, createBotContext } from './bot-context.ts';
import { commandDefinitions } from './commands/command-definitions.ts';
import { registerCommands } from './commands/register-commands.ts';
import { handleInteraction } from './interactions/handle-interaction.ts';
import { resumeProgress } from './interactions/progress-watch.ts';

export interface DiscordBotDeps {
  config: Config;
  system: Pick<QueueSystem, 'orchestrator' | 'events' | 'redis'>;
  artifacts: ArtifactStore;
  log?: (line: string) => void;
}

export interface DiscordBot {
  context: BotContext;
  applicationId: string;
  close(): Promise<void>;
}

export async function startDiscordBot(deps: DiscordBotDeps): Promise<DiscordBot> {
  const { config } = deps;
  const log = deps.log ?? ((line: string) => console.log(line));
  const token = config.discord.token;
  if (!token) throw new Error('startDiscordBot: DISCORD_TOKEN is not set');
  const ctx = createBotContext({ ...deps, log });
  const applicationId = config.discord.applicationId ?? (await ctx.api.applicationId());
  if (config.discord.registerCommands) {
    const where = config.discord.devGuild ? ` in guild ${config.discord.devGuild}` : ' globally';
    try {
      const result = await registerCommands({
        api: ctx.api,
        applicationId,
        commands: commandDefinitions(config),
        guildId: config.discord.devGuild,
        memory: { redis: ctx.redis, keyPrefix: ctx.keyPrefix },
      });
      log(`discord: commands ${result}${where}`);
    } catch (err) {
      // The commands registered before still work; the next start tries again.
      log(`discord: could not register the commands${where}: ${(err as Error).message}`);
    }
  }
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.discord.apiBase } });
  const pending = new Set<Promise<void>>();
  client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
    if (packet.t !== 'INTERACTION_CREATE') return;
    const interaction = packet.d as APIInteraction;
    const run = handleInteraction(ctx, interaction, (response) =>
      ctx.api.respond(interaction.id, interaction.token, response),
    ).catch((err) => log(`discord: interaction ${interaction.id} failed: ${(err as Error).message}`));
    pending.add(run);
    void run.finally(() => pending.delete(run));
  });
  client.on(Events.Error, (err) => log(`discord: ${err.message}`));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  log(`discord: connected as ${client.user?.tag ?? applicationId}`);
  const resumed = await resumeProgress(ctx).catch((err) => {
    log(`discord: could not resume progress messages: ${(err as Error).message}`);
    return 0;
  });
  if (resumed > 0) log(`discord: watching ${resumed} unfinished jobs again`);
  return {
    context: ctx,
    applicationId,
    async close() {
      await client.destroy();
      await Promise.allSettled([...pending]);
      await closeBotContext(ctx);
    },
  };
}
