// `reply_parameters` for a reply. telegraf sends calls with files as multipart and drops object
// fields it does not know there, so for uploads the field goes as the JSON text Telegram reads.
import type { ReplyParameters } from 'telegraf/types';

export function replyParameters(messageId: number): ReplyParameters {
  return { message_id: messageId, allow_sending_without_reply: true };
}

export function uploadReplyParameters(messageId: number): ReplyParameters {
  return JSON.stringify(replyParameters(messageId)) as unknown as ReplyParameters;
}
