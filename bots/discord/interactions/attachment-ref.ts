// A picture attached to a command as a job input: checked to be a picture on Discord's CDN, passed
// on as a platform reference that fetch-media resolves.
import type { APIAttachment } from 'discord.js';
import { ValidationError } from '../../../core/errors.ts';
import type { MediaRef } from '../../../core/job/references.ts';
import { isCdnUrl, MAX_ATTACHMENT_BYTES } from '../attachments.ts';

export function checkPicture(attachment: APIAttachment, field: string, cdnBases: readonly string[]): void {
  const type = attachment.content_type ?? '';
  if (type && !/^image\/(png|jpeg|webp)$/.test(type)) {
    throw new ValidationError([
      { field, value: attachment.filename, problem: 'must be a PNG, JPEG or WebP picture' },
    ]);
  }
  if (attachment.size > MAX_ATTACHMENT_BYTES) {
    throw new ValidationError([
      { field, value: attachment.filename, problem: 'is larger than 20 MB: send a smaller picture' },
    ]);
  }
  if (!isCdnUrl(attachment.url, cdnBases)) {
    throw new ValidationError([
      { field, problem: 'is not a Discord attachment: attach the picture to the command' },
    ]);
  }
}

export function platformRef(attachment: APIAttachment): MediaRef {
  return { type: 'platform', platform: 'discord', fileId: attachment.id, url: attachment.url };
}
