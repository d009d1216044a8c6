// Delivers a job's outcome into its Discord message from REST alone (it runs in whichever process
// serves the io queue): the result or the reason it failed replaces the progress message, through
// the interaction token while it is valid and the bot token after; a job from a hook posts a new
// message in its channel.
import { DiscordAPIError } from 'discord.js';
import type { ChatReplier } from '../../queue/components/services.ts';
import type { JobMessages } from '../shared/job-messages.ts';
import type { DiscordApi, OutgoingMessage } from './discord-api.ts';
import { type DiscordOrigin, messageKey, messageTarget } from './message-target.ts';
import type { EditClock } from './messages/edit-clock.ts';
import { failureMessage, resultMessage } from './messages/result-message.ts';

export interface DiscordReplierDeps {
  api: DiscordApi;
  jobMessages: JobMessages;
  editClock: EditClock;
  log?: (line: string) => void;
}

export function createDiscordReplier(deps: DiscordReplierDeps): ChatReplier {
  const log = deps.log ?? (() => undefined);
  return async (job, outcome, artifacts) => {
    const origin = job.origin as DiscordOrigin;
    const target = await messageTarget(job, deps.jobMessages);
    const fromUser = job.owner.startsWith('discord:');
    const message: OutgoingMessage = outcome.ok
      ? await resultMessage(job, outcome, artifacts, { added: target.added, buttons: fromUser })
      : failureMessage(job, outcome);
    await deps.editClock.markFinal(job.id);
    try {
      await deps.editClock.spaced(job.id, async () => {
        if (target.interaction) {
          const sent = await deps.api.editOriginal(
            target.interaction.applicationId,
            target.interaction.token,
            message,
          );
          // The message's own id outlives the token (a later delivery, e.g. a retried notice).
          if (!target.messageId)
            await deps.jobMessages.link(job.id, messageKey(sent.channel_id, sent.id), target.linkData);
        } else if (target.messageId) {
          await deps.api.editMessage(target.channelId, target.messageId, message);
        } else {
          const sent = await deps.api.createMessage(origin.channelId, message);
          await deps.jobMessages.link(job.id, messageKey(sent.channel_id, sent.id), {});
        }
      });
    } catch (err) {
      // The message or channel is gone (deleted by its owner): nothing to deliver to, and retrying
      // would not bring it back.
      if (err instanceof DiscordAPIError && (err.status === 404 || err.status === 403)) {
        log(`discord: result of ${job.id} not delivered: ${err.message}`);
        return;
      }
      throw err;
    }
  };
}
