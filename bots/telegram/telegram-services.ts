// What the queue's components need of Telegram in any process: the replier (results and failure
// notices into the chat) and the media resolver (files through the Bot API root). Bot API only.
import type { Config } from '../../core/config/config.ts';
import type { ChatReplier, MediaResolver } from '../../queue/components/services.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';
import { JobMessages } from '../shared/job-messages.ts';
import { createTelegramMediaResolver } from './media-resolver.ts';
import { createTelegramReplier } from './replier.ts';
import { createTelegramApi } from './telegram-api.ts';

export function telegramServices(
  config: Config,
  system: Pick<QueueSystem, 'orchestrator' | 'redis'>,
  log?: (line: string) => void,
): { replier: ChatReplier; mediaResolver: MediaResolver } | undefined {
  if (!config.telegram.token) return undefined;
  const api = createTelegramApi(config.telegram, log);
  return {
    replier: createTelegramReplier({
      api,
      jobMessages: new JobMessages(system.redis, system.orchestrator.keys.prefix, config.resultTtlMs),
      maxUploadBytes: config.telegram.maxUploadBytes,
      publicUrl: config.http.publicUrl,
      log,
    }),
    mediaResolver: createTelegramMediaResolver(api, config.telegram),
  };
}
