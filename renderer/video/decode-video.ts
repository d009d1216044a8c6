// A video file back to raw RGB frames (for checks of what a clip shows, and for tests).
import { probeVideo, runFfmpeg, withTempFile } from './probe-video.ts';
import type { VideoFrames } from './video-frames.ts';

export async function decodeVideo(bytes: Buffer, extension: string, binary?: string): Promise<VideoFrames> {
  const probe = await probeVideo(bytes, extension, binary);
  const raw = await withTempFile(bytes, extension, async (file) => {
    const { stdout, code, stderr } = await runFfmpeg(
      ['-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      binary,
    );
    if (code !== 0)
      throw new Error(`ffmpeg could not decode the ${extension}: ${stderr.trim().split('\n').pop()}`);
    return stdout;
  });
  const size = probe.width * probe.height * 3;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= raw.length; at += size) frames.push(raw.subarray(at, at + size));
  return { width: probe.width, height: probe.height, fps: probe.fps, frames };
}
