// What the queue's components need of Discord in any process: the replier (results and failure
// notices into the job's message) and the media resolver (attachments from the CDN). REST only.
import type { Config } from '../../core/config/config.ts';
import type {
  ChatReplier,
  MediaResolver,
  ModerationPolicy,
  ModerationRule,
} from '../../queue/components/services.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import { JobMessages } from '../shared/job-messages.ts';
import { DiscordApi } from './discord-api.ts';
import { createDiscordReplier } from './discord-replier.ts';
import { createDiscordMediaResolver } from './media-resolver.ts';
import { EditClock } from './messages/edit-clock.ts';

export function discordServices(
  config: Config,
  system: Pick<QueueSystem, 'orchestrator' | 'redis'>,
  log?: (line: string) => void,
): { replier: ChatReplier; mediaResolver: MediaResolver } | undefined {
  if (!config.discord.token) return undefined;
  const prefix = system.orchestrator.keys.prefix;
  const api = new DiscordApi({ token: config.discord.token, apiBase: config.discord.apiBase });
  return {
    replier: createDiscordReplier({
      api,
      jobMessages: new JobMessages(system.redis, prefix, config.resultTtlMs),
      editClock: new EditClock(system.redis, prefix),
      log,
    }),
    mediaResolver: createDiscordMediaResolver({ cdnBases: config.discord.cdnBases }),
  };
}

/** The moderation policy with each guild's prompt rules (DISCORD_PROMPT_RULES) added to its scope. */
export function withGuildRules(
  policy: ModerationPolicy | undefined,
  config: Config,
): ModerationPolicy | undefined {
  const guilds = Object.entries(config.discord.policy.promptRules);
  if (guilds.length === 0) return policy;
  const perScope: Record<string, ModerationRule[]> = { ...policy?.perScope } as Record<
    string,
    ModerationRule[]
  >;
  for (const [guild, terms] of guilds) {
    perScope[guild] = [...(perScope[guild] ?? []), ...terms.map((term) => ({ term, reason: 'server rule' }))];
  }
  return { rules: policy?.rules ?? [], perScope };
}
