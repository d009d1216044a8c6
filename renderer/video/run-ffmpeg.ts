// One ffmpeg encode through fluent-ffmpeg: raw RGB frames on stdin, the file written to a temp
// folder (MP4's faststart rewrites the file, so the output must be seekable) and read back.
import { access, constants, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { ffmpegPath } from './ffmpeg-path.ts';
import type { VideoFrames } from './video-frames.ts';

export interface FfmpegEncodeArgs {
  clip: VideoFrames;
  extension: string;
  /** Filter graph after the input (scale, palette, minterpolate); omitted when empty. */
  filter?: string;
  outputOptions: string[];
  binary?: string;
  signal?: AbortSignal;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** The last lines of ffmpeg's log: where it says what went wrong. */
function tail(stderr: string | null | undefined): string {
  return (stderr ?? '').trim().split('\n').slice(-3).join(' | ');
}

/** A missing binary is told by name (fluent-ffmpeg itself crashes on a failed spawn). */
export async function checkBinary(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new FfmpegError(
      `ffmpeg could not run: there is no executable at ${binary}; set FFMPEG_PATH to an ffmpeg binary or reinstall @ffmpeg-installer/ffmpeg`,
      '',
    );
  }
}

export async function runFfmpegEncode(args: FfmpegEncodeArgs): Promise<Buffer> {
  const { clip } = args;
  const binary = args.binary ?? ffmpegPath();
  await checkBinary(binary);
  const dir = await mkdtemp(path.join(tmpdir(), 'imagine-video-'));
  const out = path.join(dir, `clip.${args.extension}`);
  try {
    await new Promise<void>((resolve, reject) => {
      const command = ffmpeg()
        .setFfmpegPath(binary)
        .input(Readable.from(clip.frames))
        .inputFormat('rawvideo')
        .inputOptions([
          '-pix_fmt',
          'rgb24',
          '-s',
          `${clip.width}x${clip.height}`,
          '-framerate',
          String(clip.fps),
        ])
        .outputOptions([
          ...(args.filter ? ['-filter_complex', args.filter] : []),
          ...args.outputOptions,
          '-y',
        ])
        .output(out);
      const onAbort = () => command.kill('SIGKILL');
      args.signal?.addEventListener('abort', onAbort, { once: true });
      command
        .on('end', () => {
          args.signal?.removeEventListener('abort', onAbort);
          resolve();
        })
        .on('error', (err, _stdout, stderr) => {
          args.signal?.removeEventListener('abort', onAbort);
          reject(
            new FfmpegError(
              `ffmpeg could not encode the ${args.extension}: ${err.message} ${tail(stderr)}`,
              stderr ?? '',
            ),
          );
        })
        .run();
    });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
