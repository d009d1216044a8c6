import { imageSize } from './image-size.ts';
import { nextSnowflake } from './snowflake.ts';
import type { FakeAttachment } from './types.ts';

export interface AttachmentDetails {
  description?: string;
  title?: string;
  ephemeral?: boolean;
  duration_secs?: number;
  waveform?: string;
}

/**
 * Attachment bytes by id, served by the fake's CDN route
 * `/attachments/<bucket>/<id>/<filename>` (bucket: a channel id, or the application id for
 * files that come with a slash command, as Discord's ephemeral attachments do).
 */
export class AttachmentStore {
  private readonly byId = new Map<string, FakeAttachment>();

  constructor(private readonly baseUrl: () => string) {}

  add(
    bytes: Uint8Array,
    filename: string,
    contentType: string,
    bucket: string,
    details: AttachmentDetails = {},
  ) {
    const id = nextSnowflake();
    const data = Buffer.from(bytes);
    const size = imageSize(data);
    // Real CDN URLs are signed (ex/is/hm); a bot must keep the query when fetching.
    const expires = Math.floor(Date.now() / 1000 + 86_400).toString(16);
    const issued = Math.floor(Date.now() / 1000).toString(16);
    const path = `/attachments/${bucket}/${id}/${encodeURIComponent(filename)}?ex=${expires}&is=${issued}&hm=${id.slice(-8)}`;
    const attachment: FakeAttachment = {
      id,
      filename,
      content_type: contentType,
      size: data.length,
      url: `${this.baseUrl()}${path}&`,
      proxy_url: `${this.baseUrl()}/media${path}&`,
      ...(size ? { width: size.width, height: size.height } : {}),
      ...details,
      bytes: data,
    };
    this.byId.set(id, attachment);
    return attachment;
  }

  get(id: string): FakeAttachment | undefined {
    return this.byId.get(id);
  }
}

/** The attachment as the API shows it (no bytes). */
export function apiAttachment(attachment: FakeAttachment): Record<string, unknown> {
  const { bytes: _bytes, ...api } = attachment;
  return api;
}
