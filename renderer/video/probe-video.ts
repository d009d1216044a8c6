// What a video file holds, read from the ffmpeg binary itself (ffprobe is not shipped): the stream
// line of `ffmpeg -i` gives codec, size and frame rate; decoding to the null muxer counts the frames.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegPath } from './ffmpeg-path.ts';

export interface VideoProbe {
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** The `Stream #0:0 ... Video:` line as ffmpeg printed it. */
  streamLine: string;
}

export function runFfmpeg(
  args: string[],
  binary = ffmpegPath(),
): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', ...args]);
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr, code: code ?? -1 }));
  });
}

/** Runs `fn` with the bytes written to a temp file (ffmpeg reads MP4 indexes by seeking). */
export async function withTempFile<T>(
  bytes: Buffer,
  extension: string,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imagine-probe-'));
  const file = path.join(dir, `clip.${extension}`);
  try {
    await writeFile(file, bytes);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function parseStreamLine(stderr: string): Omit<VideoProbe, 'frames'> {
  const line = stderr.split('\n').find((l) => /Stream #\d+:\d+.*: Video: /.test(l));
  if (!line)
    throw new Error(`ffmpeg found no video stream: ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
  const codec = /Video: (\w+)/.exec(line)?.[1] ?? '';
  const size = /, (\d+)x(\d+)[,\s[]/.exec(line);
  const fps = /, ([\d.]+) fps/.exec(line) ?? /, ([\d.]+) tbr/.exec(line);
  // The pixel format follows the codec: "h264 (High) (avc1 / 0x31637661), yuv420p(progressive), ..."
  const pixelFormat = /Video: [^,]*(?:\([^)]*\))*, (\w+)/.exec(line)?.[1] ?? '';
  return {
    codec,
    pixelFormat,
    width: size ? Number(size[1]) : 0,
    height: size ? Number(size[2]) : 0,
    fps: fps ? Number(fps[1]) : 0,
    streamLine: line.trim(),
  };
}

export async function probeVideo(bytes: Buffer, extension: string, binary?: string): Promise<VideoProbe> {
  return withTempFile(bytes, extension, async (file) => {
    const { stderr } = await runFfmpeg(['-i', file, '-map', '0:v:0', '-f', 'null', '-'], binary);
    const counts = [...stderr.matchAll(/frame=\s*(\d+)/g)];
    return { ...parseStreamLine(stderr), frames: counts.length ? Number(counts[counts.length - 1][1]) : 0 };
  });
}
