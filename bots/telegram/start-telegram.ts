// The Telegram surface of a process: builds the bot on the process's stack (queue client, artifact
// store, Redis for settings and job-to-message links) and starts it. In webhook mode the HTTP server
// mounts `bot.webhook` before `start()` registers the webhook with Telegram.
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import { ChatJobs } from '../shared/chat-jobs.ts';
import { ChatSettings } from '../shared/chat-settings.ts';
import { JobMessages } from '../shared/job-messages.ts';
import { createTelegramBot, type TelegramBot } from './bot.ts';
import { ChatAdmins } from './chat-admins.ts';
import { ChatPolicies } from './chat-policy.ts';
import { createTelegramApi } from './telegram-api.ts';

export interface TelegramSurfaceDeps {
  config: Config;
  stack: { system: QueueSystem; artifacts: ArtifactStore };
  log: (line: string) => void;
}

export function createTelegramSurface(deps: TelegramSurfaceDeps): TelegramBot {
  const { config, stack, log } = deps;
  const api = createTelegramApi(config.telegram, log);
  const redis = stack.system.redis;
  const prefix = stack.system.orchestrator.keys.prefix;
  return createTelegramBot({
    config,
    api,
    jobs: new ChatJobs({ system: stack.system, artifacts: stack.artifacts, config, log }),
    artifacts: stack.artifacts,
    settings: new ChatSettings(redis, prefix),
    jobMessages: new JobMessages(redis, prefix, config.resultTtlMs),
    policies: new ChatPolicies(redis, prefix),
    admins: new ChatAdmins(api),
    watches: new Set(),
    log,
  });
}
