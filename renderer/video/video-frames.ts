// A clip as the encoder takes it: raw RGB frames of one size at one frame rate.

export interface VideoFrames {
  width: number;
  height: number;
  fps: number;
  /** Interleaved RGB bytes (height x width x 3) per frame. */
  frames: Buffer[];
}

export const VIDEO_CONTENT_TYPES = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  gif: 'image/gif',
} as const;

export type VideoContainer = keyof typeof VIDEO_CONTENT_TYPES;

export function checkFrames(clip: VideoFrames): void {
  const size = clip.width * clip.height * 3;
  if (clip.frames.length === 0) throw new Error('a video needs at least one frame');
  for (const [i, f] of clip.frames.entries()) {
    if (f.length !== size) {
      throw new Error(
        `frame ${i} has ${f.length} bytes, expected ${size} for ${clip.width}x${clip.height} RGB`,
      );
    }
  }
}
