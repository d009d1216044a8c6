// Whether this build makes videos. Until it does, video params on a picture job (and video flags in
// any prompt not meant for a video) are refused with this message rather than dropped.

export const VIDEO_AVAILABLE = false;

export const NO_VIDEO_YET = 'makes a video, and videos are not available yet: remove it to get a picture';

/** The problem of video params on a job of this kind, if any (an animate job is told at render). */
export function videoParamsProblem(kind: string): string | undefined {
  if (kind === 'animate') return undefined;
  return VIDEO_AVAILABLE
    ? `is only used by animate, not ${kind}: remove it or ask for animate`
    : NO_VIDEO_YET;
}
