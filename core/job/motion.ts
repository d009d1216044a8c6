// Camera motions of an animation, written `zoom-in`, `pan-left:2` (twice the usual speed) or
// combined with `+`: `zoom-in:0.5+pan-left`. Named from the camera's point of view: in pan-left the
// camera turns left, so the content moves right across the frame; in zoom-in the content grows.
import { didYouMean } from '../text/closest.ts';
import { MOTIONS, type Motion } from './limits.ts';

export interface CameraMove {
  motion: Motion;
  /** 1 = the usual speed; 0.5 half of it. */
  speed: number;
}

export const MAX_MOTION_SPEED = 10;

/** Other spellings people type. */
const MOTION_ALIASES: Record<string, Motion> = {
  none: 'static',
  still: 'static',
  zoom: 'zoom-in',
  'rotate-clockwise': 'rotate-cw',
  'rotate-counterclockwise': 'rotate-ccw',
  'rotate-anticlockwise': 'rotate-ccw',
};

function motionName(text: string): Motion | undefined {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if ((MOTIONS as readonly string[]).includes(key)) return key as Motion;
  return MOTION_ALIASES[key];
}

const SPEED = /^(\d+(\.\d*)?|\.\d+)$/;

/** The moves of a motion text, or what is wrong with it in words for the user. */
export function parseMotion(text: string): CameraMove[] | string {
  const parts = text.split('+');
  const moves: CameraMove[] = [];
  for (const part of parts) {
    const [name, speedText, extra] = part.split(':');
    const motion = motionName(name ?? '');
    if (!motion) {
      const what = parts.length === 1 ? 'is not a motion' : `"${part.trim()}" is not a motion`;
      return `${what}${didYouMean(name ?? '', MOTIONS)}; motions: ${MOTIONS.join(', ')}, combined with + and an optional :speed, e.g. zoom-in:0.5+pan-left`;
    }
    let speed = 1;
    if (speedText !== undefined || extra !== undefined) {
      const t = (speedText ?? '').trim();
      if (extra !== undefined || !SPEED.test(t) || Number(t) > MAX_MOTION_SPEED) {
        return `the speed of ${motion} must be a number from 0 to ${MAX_MOTION_SPEED} after a colon, e.g. ${motion}:0.5`;
      }
      speed = Number(t);
    }
    if (moves.some((m) => m.motion === motion)) return `${motion} is given twice: give it once with a speed`;
    moves.push({ motion, speed });
  }
  const moving = moves.filter((m) => m.motion !== 'static');
  if (moving.length > 0 && moving.length < moves.length) {
    return 'static means no camera motion: do not combine it with other motions';
  }
  return moves;
}

/** One spelling per motion text: `zoom-in:0.5+pan-left`, speed 1 left out. */
export function formatMotion(moves: readonly CameraMove[]): string {
  return moves.map((m) => (m.speed === 1 ? m.motion : `${m.motion}:${m.speed}`)).join('+');
}
