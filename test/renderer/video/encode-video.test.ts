// The encoder's files as the ffmpeg binary itself reads them back: codec, pixel format, size, frame
// rate and frame count of MP4, WebM and GIF; faststart; interpolation; the byte budget on a long clip.
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeVideo } from '../../../renderer/video/decode-video.ts';
import { encodeVideo } from '../../../renderer/video/encode-video.ts';
import { ffmpegPath } from '../../../renderer/video/ffmpeg-path.ts';
import { probeVideo } from '../../../renderer/video/probe-video.ts';
import type { VideoFrames } from '../../../renderer/video/video-frames.ts';

/** A bright square walking right over a checkerboard: content every codec has to carry. */
function walkingSquare(width: number, height: number, count: number, fps: number): VideoFrames {
  const frames = Array.from({ length: count }, (_, f) => {
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const inSquare = x >= 8 + f * 4 && x < 40 + f * 4 && y >= 24 && y < 56;
        const check = ((x >> 4) + (y >> 4)) % 2 === 0 ? 40 : 90;
        rgb[i] = inSquare ? 250 : check;
        rgb[i + 1] = inSquare ? 220 : check;
        rgb[i + 2] = inSquare ? 30 : check + 60;
      }
    }
    return rgb;
  });
  return { width, height, fps, frames };
}

/** Noise in every frame: the worst case for a byte budget. */
function noise(width: number, height: number, count: number, fps: number): VideoFrames {
  let s = 12345;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  const frames = Array.from({ length: count }, () => {
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = next();
    return rgb;
  });
  return { width, height, fps, frames };
}

describe('encodeVideo', () => {
  const clip = walkingSquare(128, 96, 8, 8);

  it('writes an H.264 yuv420p MP4 with faststart (index before the media data)', async () => {
    const video = await encodeVideo(clip, { format: 'mp4' });
    const probe = await probeVideo(video.bytes, 'mp4');
    expect(probe).toMatchObject({
      codec: 'h264',
      pixelFormat: 'yuv420p',
      width: 128,
      height: 96,
      fps: 8,
      frames: 8,
    });
    expect(video).toMatchObject({
      contentType: 'video/mp4',
      frames: 8,
      fps: 8,
      width: 128,
      height: 96,
      warnings: [],
    });
    const moov = video.bytes.indexOf('moov');
    const mdat = video.bytes.indexOf('mdat');
    expect(moov).toBeGreaterThan(0);
    expect(moov).toBeLessThan(mdat);
  });

  it('writes a VP9 WebM', async () => {
    const video = await encodeVideo(clip, { format: 'webm' });
    const probe = await probeVideo(video.bytes, 'webm');
    expect(probe).toMatchObject({
      codec: 'vp9',
      pixelFormat: 'yuv420p',
      width: 128,
      height: 96,
      fps: 8,
      frames: 8,
    });
    expect(video.contentType).toBe('video/webm');
    expect(video.bytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
  });

  it('writes a looping GIF whose palette is made from the clip', async () => {
    const video = await encodeVideo(clip, { format: 'gif' });
    const probe = await probeVideo(video.bytes, 'gif');
    expect(probe).toMatchObject({ codec: 'gif', width: 128, height: 96, frames: 8 });
    // GIF delays are whole centiseconds: 8 fps is 12 and 13 cs in turn.
    expect(probe.fps).toBeCloseTo(8, 0);
    expect(video.bytes.subarray(0, 6).toString()).toBe('GIF89a');
    expect(video.bytes.includes('NETSCAPE2.0')).toBe(true);
    // The clip's own colours survive: the yellow square is yellow in the decoded GIF.
    const decoded = await decodeVideo(video.bytes, 'gif');
    const at = (40 * 128 + 20) * 3;
    const px = [...decoded.frames[0].subarray(at, at + 3)];
    expect(Math.abs(px[0] - 250)).toBeLessThan(20);
    expect(Math.abs(px[1] - 220)).toBeLessThan(20);
    expect(px[2]).toBeLessThan(70);
  });

  it('interpolates to a higher frame rate with minterpolate', async () => {
    const video = await encodeVideo(clip, { format: 'mp4', interpolateFps: 24 });
    const probe = await probeVideo(video.bytes, 'mp4');
    expect(probe.fps).toBe(24);
    expect(probe.frames).toBeGreaterThanOrEqual(20);
    expect(video.frames).toBe(probe.frames);
    // An in-between frame shows the square between its places in the two input frames around it
    // (output frame 3k is input frame k at 3x the rate).
    const decoded = await decodeVideo(video.bytes, 'mp4');
    const centreX = (f: Buffer) => {
      let sum = 0;
      let weight = 0;
      for (let y = 24; y < 56; y++) {
        for (let x = 0; x < 128; x++) {
          const i = (y * 128 + x) * 3;
          const yellow = Math.max(0, f[i] - f[i + 2] - 60);
          sum += x * yellow;
          weight += yellow;
        }
      }
      return sum / weight;
    };
    const [a, between, b] = [3, 4, 6].map((k) => centreX(decoded.frames[k]));
    expect(between).toBeGreaterThan(a + 0.3);
    expect(between).toBeLessThan(b - 0.3);
  });

  it('keeps a long clip within its byte budget, lowering the bitrate then the size, and says so', async () => {
    const long = noise(192, 192, 96, 24);
    const unlimited = await encodeVideo(long, { format: 'mp4' });
    const maxBytes = 120_000;
    expect(unlimited.bytes.length).toBeGreaterThan(maxBytes);
    const video = await encodeVideo(long, { format: 'mp4', maxBytes });
    expect(video.bytes.length).toBeLessThanOrEqual(maxBytes);
    expect(video.encodes).toBeGreaterThan(1);
    expect(video.warnings).toHaveLength(1);
    expect(video.warnings[0]).toMatch(/over the 0\.12 MB limit here, so it was encoded again at \d+ kb\/s/);
    const probe = await probeVideo(video.bytes, 'mp4');
    expect(probe.frames).toBe(96);
    expect(probe.width).toBe(video.width);
  });

  it('shrinks a GIF by colours and then size to fit a budget', async () => {
    const long = noise(96, 96, 24, 12);
    const video = await encodeVideo(long, { format: 'gif', maxBytes: 60_000 });
    expect(video.bytes.length).toBeLessThanOrEqual(60_000);
    expect(video.warnings[0]).toMatch(/with 32 colours and at \d+x\d+ instead of 96x96/);
    const probe = await probeVideo(video.bytes, 'gif');
    expect(probe).toMatchObject({ width: video.width, height: video.height, frames: 24 });
    expect(video.width).toBeLessThan(96);
  });

  it('runs the binary FFMPEG_PATH names, and says which encode failed when it cannot run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ffmpeg-path-'));
    const link = path.join(dir, 'my-ffmpeg');
    await symlink(ffmpegPath(undefined), link);
    expect(ffmpegPath(link)).toBe(link);
    const video = await encodeVideo(clip, { format: 'webm', binary: ffmpegPath(link) });
    expect((await probeVideo(video.bytes, 'webm')).frames).toBe(8);
    await expect(encodeVideo(clip, { format: 'mp4', binary: path.join(dir, 'missing') })).rejects.toThrow(
      /ffmpeg could not run: there is no executable at .*missing; set FFMPEG_PATH/,
    );
  });
});
