// Frames to a video file a chat accepts: MP4 (H.264, yuv420p, faststart), WebM (VP9) or GIF with a
// palette made for the clip. With a byte budget, a file that is too big is encoded again at a
// lower bitrate (fewer colours for a GIF) and then at a smaller size until it fits; the result
// says so, so the user knows why it looks softer.
import { probeVideo } from './probe-video.ts';
import { runFfmpegEncode } from './run-ffmpeg.ts';
import { checkFrames, VIDEO_CONTENT_TYPES, type VideoContainer, type VideoFrames } from './video-frames.ts';

export interface EncodeVideoOptions {
  format: VideoContainer;
  /** Largest file the destination takes (Discord 10 MiB, Telegram 50 MB); none = no limit. */
  maxBytes?: number;
  /** Make in-between frames with ffmpeg's minterpolate up to this frame rate. */
  interpolateFps?: number;
  /** The ffmpeg binary (FFMPEG_PATH or the shipped one by default). */
  binary?: string;
  signal?: AbortSignal;
}

export interface EncodedVideo {
  bytes: Buffer;
  format: VideoContainer;
  contentType: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** What was given up to fit the budget, or why interpolation was not done. */
  warnings: string[];
  /** How many encodes it took (1 when the first fitted). */
  encodes: number;
}

/** Below this the picture falls apart; the size goes down instead. */
const MIN_KBPS = 48;
const GIF_COLOURS = [256, 128, 64, 32];
const SHRINK = 0.75;
const MIN_SIDE = 32;
/** Room left for the container's own bytes when a bitrate is aimed at a budget. */
const CONTAINER_SLACK = 0.9;

interface Attempt {
  width: number;
  height: number;
  /** kb/s for MP4 and WebM; undefined = constant quality. */
  kbps?: number;
  colours: number;
}

const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);

function filterFor(format: VideoContainer, clip: VideoFrames, a: Attempt, fps: number): string {
  const steps: string[] = [];
  if (fps !== clip.fps) steps.push(`minterpolate=fps=${fps}:mi_mode=mci`);
  if (a.width !== clip.width || a.height !== clip.height)
    steps.push(`scale=${a.width}:${a.height}:flags=lanczos`);
  if (format === 'gif') {
    // One palette for the whole clip (stats over every frame), then every frame mapped onto it.
    const head = steps.length ? `${steps.join(',')},` : '';
    return `[0:v]${head}split[a][b];[a]palettegen=max_colors=${a.colours}:stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a[v]`;
  }
  steps.push('format=yuv420p');
  return `[0:v]${steps.join(',')}[v]`;
}

function optionsFor(format: VideoContainer, a: Attempt): string[] {
  const rate = (k: number) => ['-b:v', `${k}k`, '-maxrate', `${k}k`, '-bufsize', `${2 * k}k`];
  switch (format) {
    case 'mp4':
      return [
        '-map',
        '[v]',
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
        '-movflags',
        '+faststart',
        ...(a.kbps ? rate(a.kbps) : ['-crf', '23']),
      ];
    case 'webm':
      return [
        '-map',
        '[v]',
        '-an',
        '-c:v',
        'libvpx-vp9',
        '-pix_fmt',
        'yuv420p',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-row-mt',
        '1',
        ...(a.kbps ? rate(a.kbps) : ['-crf', '34', '-b:v', '0']),
      ];
    case 'gif':
      return ['-map', '[v]', '-an', '-loop', '0'];
  }
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;

export async function encodeVideo(clip: VideoFrames, options: EncodeVideoOptions): Promise<EncodedVideo> {
  checkFrames(clip);
  const { format, maxBytes } = options;
  const warnings: string[] = [];
  let fps = clip.fps;
  if (options.interpolateFps !== undefined && options.interpolateFps > clip.fps) {
    if (clip.frames.length < 2)
      warnings.push('one frame cannot be interpolated: the clip keeps its frame rate');
    else fps = options.interpolateFps;
  }
  const seconds = clip.frames.length / clip.fps;
  let attempt: Attempt = { width: clip.width, height: clip.height, colours: GIF_COLOURS[0] };
  let encodes = 0;
  let first: number | undefined;
  for (;;) {
    const bytes = await runFfmpegEncode({
      clip,
      extension: format,
      filter: filterFor(format, clip, attempt, fps),
      outputOptions: optionsFor(format, attempt),
      binary: options.binary,
      signal: options.signal,
    });
    encodes++;
    first ??= bytes.length;
    if (maxBytes === undefined || bytes.length <= maxBytes) {
      if (encodes > 1) warnings.push(budgetWarning(format, first, maxBytes as number, clip, attempt));
      const probe = await probeVideo(bytes, format, options.binary);
      return {
        bytes,
        format,
        contentType: VIDEO_CONTENT_TYPES[format],
        width: attempt.width,
        height: attempt.height,
        fps,
        frames: probe.frames,
        warnings,
        encodes,
      };
    }
    attempt = smaller(format, attempt, bytes.length, maxBytes, seconds, clip);
  }
}

/** The next thing to give up: bitrate (colours for a GIF) first, then size. */
function smaller(
  format: VideoContainer,
  a: Attempt,
  bytes: number,
  maxBytes: number,
  seconds: number,
  clip: VideoFrames,
): Attempt {
  const budgetKbps = Math.floor((maxBytes * 8 * CONTAINER_SLACK) / seconds / 1000);
  if (format === 'gif') {
    const next = GIF_COLOURS.find((c) => c < a.colours);
    if (next !== undefined) return { ...a, colours: next };
  } else {
    // Aim at the budget; if the encoder overshot, aim lower by the overshoot.
    const kbps =
      a.kbps === undefined ? budgetKbps : Math.floor((a.kbps * maxBytes * CONTAINER_SLACK) / bytes);
    if (kbps >= MIN_KBPS && kbps !== a.kbps) return { ...a, kbps };
  }
  const width = even(a.width * SHRINK);
  const height = even(a.height * SHRINK);
  if (Math.min(width, height) < MIN_SIDE) {
    throw new Error(
      `the ${format} cannot be made smaller than ${maxBytes} bytes (${clip.frames.length} frames at ${clip.width}x${clip.height}): ask for fewer frames or a smaller size`,
    );
  }
  return {
    width,
    height,
    colours: format === 'gif' ? a.colours : GIF_COLOURS[0],
    kbps: format === 'gif' ? undefined : Math.max(MIN_KBPS, Math.min(budgetKbps, a.kbps ?? budgetKbps)),
  };
}

function budgetWarning(
  format: VideoContainer,
  first: number,
  maxBytes: number,
  clip: VideoFrames,
  a: Attempt,
): string {
  const given: string[] = [];
  if (a.kbps !== undefined) given.push(`at ${a.kbps} kb/s`);
  if (format === 'gif' && a.colours < GIF_COLOURS[0]) given.push(`with ${a.colours} colours`);
  if (a.width !== clip.width || a.height !== clip.height) {
    given.push(`at ${a.width}x${a.height} instead of ${clip.width}x${clip.height}`);
  }
  return `the ${format} was ${mb(first)}, over the ${mb(maxBytes)} limit here, so it was encoded again ${given.join(' and ')}`;
}
