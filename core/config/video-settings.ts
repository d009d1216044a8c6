// Video settings: which ffmpeg runs, and how many bytes a clip may have where it is delivered
// (Discord's upload limit without boosts is 10 MiB, the Bot API's sendVideo 50 MB; HTTP has none
// unless set). A clip over its budget is encoded again smaller, and the result says so.
import { z } from 'zod';

const bytes = z.string().regex(/^\d+$/, 'must be a whole number of bytes (0 = no limit)').transform(Number);

export const VideoEnvSchema = {
  FFMPEG_PATH: z.string().min(1).optional(),
  VIDEO_MAX_BYTES_DISCORD: bytes.default(10 * 1024 * 1024),
  VIDEO_MAX_BYTES_TELEGRAM: bytes.default(50_000_000),
  VIDEO_MAX_BYTES_HTTP: bytes.default(0),
};

export interface VideoConfig {
  /** An ffmpeg binary to use instead of the one @ffmpeg-installer/ffmpeg ships. */
  ffmpegPath?: string;
  /** Largest clip per destination in bytes; absent = no limit. */
  maxBytes: Partial<Record<'discord' | 'telegram' | 'http', number>>;
}

type VideoEnv = z.output<z.ZodObject<typeof VideoEnvSchema>>;

export function videoConfig(e: VideoEnv): VideoConfig {
  const limit = (v: number) => (v > 0 ? v : undefined);
  const maxBytes: VideoConfig['maxBytes'] = {};
  const entries = [
    ['discord', limit(e.VIDEO_MAX_BYTES_DISCORD)],
    ['telegram', limit(e.VIDEO_MAX_BYTES_TELEGRAM)],
    ['http', limit(e.VIDEO_MAX_BYTES_HTTP)],
  ] as const;
  for (const [surface, max] of entries) if (max !== undefined) maxBytes[surface] = max;
  return { ...(e.FFMPEG_PATH ? { ffmpegPath: e.FFMPEG_PATH } : {}), maxBytes };
}
