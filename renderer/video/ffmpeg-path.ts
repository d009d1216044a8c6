// Which ffmpeg binary to run: FFMPEG_PATH when set (a system ffmpeg with other encoders), otherwise
// the static build shipped by @ffmpeg-installer/ffmpeg.
import { createRequire } from 'node:module';

let shipped: string | undefined;

export function ffmpegPath(override: string | undefined = process.env.FFMPEG_PATH): string {
  if (override) return override;
  shipped ??= (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  return shipped;
}
