// What the Telegram bot is built from.
import type { Config } from '../../core/config/config.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { ChatJobs } from '../shared/chat-jobs.ts';
import type { ChatSettings } from '../shared/chat-settings.ts';
import type { JobMessages } from '../shared/job-messages.ts';
import type { ChatAdmins } from './chat-admins.ts';
import type { ChatPolicies } from './chat-policy.ts';
import type { TelegramApi } from './telegram-api.ts';

export interface TelegramBotDeps {
  config: Config;
  api: TelegramApi;
  jobs: ChatJobs;
  artifacts: ArtifactStore;
  settings: ChatSettings;
  jobMessages: JobMessages;
  policies: ChatPolicies;
  admins: ChatAdmins;
  /** Status messages being kept up to date, stopped when the bot stops. */
  watches: Set<{ stop(): void; done: Promise<void> }>;
  log: (line: string) => void;
}

/** Where a request came from: the chat, the user's message, its topic thread, and who sent it. */
export interface ChatPlace {
  chatId: number;
  chatType: 'private' | 'group' | 'supergroup' | 'channel';
  messageId: number;
  threadId?: number;
  userId: number;
}
