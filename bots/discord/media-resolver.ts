// fetch-media's way to a Discord attachment (a `platform` media ref): the URL Discord gave us,
// fetched only from the CDN hosts.
import type { MediaResolver } from '../../queue/components/services.ts';
import { fetchAttachment } from './attachments.ts';

export function createDiscordMediaResolver(options: {
  cdnBases: readonly string[];
  maxBytes?: number;
}): MediaResolver {
  return async (fileId, url, signal) => {
    if (!url) throw new Error(`discord attachment ${fileId} has no URL`);
    return fetchAttachment(url, { cdnBases: options.cdnBases, maxBytes: options.maxBytes, signal });
  };
}
