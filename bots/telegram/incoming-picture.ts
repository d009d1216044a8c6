// The picture a message carries: the largest size of a photo, or an image sent as a file (a
// document, uncompressed). Sizes are what Telegram reports, so limits are checked before downloading.
import type { Message } from 'telegraf/types';

export interface IncomingPicture {
  fileId: string;
  size?: number;
  width?: number;
  height?: number;
  /** Sent as a file rather than a photo. */
  document: boolean;
}

const IMAGE_TYPES = /^image\/(png|jpeg|jpg|webp|gif|tiff|avif|heic|heif)$/i;

type AnyMessage = Partial<Message.PhotoMessage & Message.DocumentMessage> & { message_id: number };

/** The picture, `not-an-image` for a file of another kind, or undefined when there is no file. */
export function pictureOf(message: unknown): IncomingPicture | 'not-an-image' | undefined {
  const m = message as AnyMessage | undefined;
  if (!m) return undefined;
  if (m.photo && m.photo.length > 0) {
    const largest = [...m.photo].sort((a, b) => a.width * a.height - b.width * b.height).at(-1)!;
    return {
      fileId: largest.file_id,
      size: largest.file_size,
      width: largest.width,
      height: largest.height,
      document: false,
    };
  }
  if (m.document) {
    const d = m.document;
    const named = /\.(png|jpe?g|webp)$/i.test(d.file_name ?? '');
    if (!IMAGE_TYPES.test(d.mime_type ?? '') && !named) return 'not-an-image';
    return { fileId: d.file_id, size: d.file_size, document: true };
  }
  return undefined;
}

/** The caption or text without a leading /command (and its @botname). */
export function requestText(text: string | undefined): { command?: string; text: string } {
  const raw = (text ?? '').trim();
  const m = /^\/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+|$)/.exec(raw);
  if (!m) return { text: raw };
  return { command: m[1].toLowerCase(), text: raw.slice(m[0].length).trim() };
}
