// Video params belong to animate jobs only: on a picture job (and video flags in a prompt not meant
// for a video) they are refused with a message that says so, rather than dropped.

export const VIDEO_AVAILABLE = true;

/** Kept for surfaces that still name it; videos exist now. */
export const NO_VIDEO_YET = 'makes a video, and videos are not available yet: remove it to get a picture';

/** The problem of video params on a job of this kind, if any. */
export function videoParamsProblem(kind: string): string | undefined {
  if (kind === 'animate') return undefined;
  return `makes a video, which only animate jobs do (not ${kind}): remove it, or ask for animate`;
}

/** An animate job's img2img strength per frame when it names none: enough change to move, not to drift. */
export const ANIMATE_STRENGTH = 0.45;
