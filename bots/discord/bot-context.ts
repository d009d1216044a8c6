// What every interaction handler works with, the same in gateway and HTTP interactions mode: the
// queue's client side, settings and message links in Redis, the REST client, the config.
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import { ChatJobs } from '../shared/chat-jobs.ts';
import { ChatSettings } from '../shared/chat-settings.ts';
import { JobMessages } from '../shared/job-messages.ts';
import { DiscordApi } from './discord-api.ts';
import { EditClock } from './messages/edit-clock.ts';

export interface BotContext {
  config: Config;
  api: DiscordApi;
  jobs: ChatJobs;
  settings: ChatSettings;
  jobMessages: JobMessages;
  editClock: EditClock;
  artifacts: ArtifactStore;
  redis: Redis;
  keyPrefix: string;
  /** The orchestrator's sorted set of unfinished jobs (a restarted bot watches them again). */
  activeJobsKey: string;
  log: (line: string) => void;
  /** Progress watchers still running, stopped when the bot closes. */
  watchers: Set<{ stop(): void; done: Promise<void> }>;
}

export interface BotContextDeps {
  config: Config;
  system: Pick<QueueSystem, 'orchestrator' | 'events' | 'redis'>;
  artifacts: ArtifactStore;
  /** Defaults to the stack's own prefix. */
  keyPrefix?: string;
  api?: DiscordApi;
  log?: (line: string) => void;
}

export function createBotContext(deps: BotContextDeps): BotContext {
  const log = deps.log ?? ((line: string) => console.log(line));
  const redis = deps.system.redis;
  const keyPrefix = deps.keyPrefix ?? deps.system.orchestrator.keys.prefix;
  return {
    config: deps.config,
    api:
      deps.api ?? new DiscordApi({ token: deps.config.discord.token, apiBase: deps.config.discord.apiBase }),
    jobs: new ChatJobs({ system: deps.system, artifacts: deps.artifacts, config: deps.config, log }),
    settings: new ChatSettings(redis, keyPrefix),
    jobMessages: new JobMessages(redis, keyPrefix, deps.config.resultTtlMs),
    editClock: new EditClock(redis, keyPrefix),
    artifacts: deps.artifacts,
    redis,
    keyPrefix,
    activeJobsKey: deps.system.orchestrator.keys.active,
    log,
    watchers: new Set(),
  };
}

/** Stops the progress watchers (their messages keep their last state; results still arrive). */
export async function closeBotContext(ctx: BotContext): Promise<void> {
  const running = [...ctx.watchers];
  for (const w of running) w.stop();
  await Promise.all(running.map((w) => w.done));
}
