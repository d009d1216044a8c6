// Values that change over an animation, given at keyframes and interpolated linearly between them:
// a strength schedule `0:0.55, 24:0.4` and a prompt schedule `0: a forest | 24: a city` (the text
// embeddings are blended between keyframes, so a two-keyframe schedule is a prompt morph).

export interface Keyframe<T> {
  frame: number;
  value: T;
}

const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;

/** `0:0.55, 24:0.4` to keyframes in frame order, or what is wrong with it. */
export function parseStrengthSchedule(text: string): Keyframe<number>[] | string {
  const keys: Keyframe<number>[] = [];
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const m = /^(\d+)\s*:\s*(.+)$/.exec(part);
    const value = m ? m[2].trim() : '';
    if (!m || !NUMBER.test(value) || Number(value) > 1) {
      return `${parts.length === 1 ? '' : `"${part}" `}is not FRAME:STRENGTH with a strength from 0 to 1, e.g. 0:0.55, 24:0.4`;
    }
    keys.push({ frame: Number(m[1]), value: Number(value) });
  }
  if (keys.length === 0) return 'is empty: give FRAME:STRENGTH pairs, e.g. 0:0.55, 24:0.4';
  return inOrder(keys);
}

/** Whether a prompt is a schedule: it starts with `N:`. */
export function isPromptSchedule(prompt: string): boolean {
  return /^\s*\d+\s*:/.test(prompt);
}

/** `0: a forest | 24: a city` to keyframes; a plain prompt is one keyframe at frame 0. */
export function parsePromptSchedule(prompt: string): Keyframe<string>[] | string {
  if (!isPromptSchedule(prompt)) return [{ frame: 0, value: prompt }];
  const keys: Keyframe<string>[] = [];
  for (const part of prompt.split('|')) {
    const m = /^\s*(\d+)\s*:(.*)$/s.exec(part);
    if (!m || m[2].trim() === '') {
      return `"${part.trim()}" is not FRAME: PROMPT; a prompt schedule looks like 0: a forest | 24: a city`;
    }
    keys.push({ frame: Number(m[1]), value: m[2].trim() });
  }
  return inOrder(keys);
}

function inOrder<T>(keys: Keyframe<T>[]): Keyframe<T>[] | string {
  const sorted = [...keys].sort((a, b) => a.frame - b.frame);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].frame === sorted[i - 1].frame) return `frame ${sorted[i].frame} is given twice: keep one`;
  }
  return sorted;
}

/** The two keyframes around a frame and how far it is from the first to the second, 0..1. */
export function keyframesAround<T>(
  keys: readonly Keyframe<T>[],
  frame: number,
): { from: T; to: T; t: number } {
  if (frame <= keys[0].frame) return { from: keys[0].value, to: keys[0].value, t: 0 };
  for (let i = 1; i < keys.length; i++) {
    if (frame <= keys[i].frame) {
      const a = keys[i - 1];
      const b = keys[i];
      return { from: a.value, to: b.value, t: (frame - a.frame) / (b.frame - a.frame) };
    }
  }
  const last = keys[keys.length - 1].value;
  return { from: last, to: last, t: 0 };
}

/** A number schedule's value at a frame (constant before the first and after the last keyframe). */
export function scheduleAt(keys: readonly Keyframe<number>[], frame: number): number {
  const { from, to, t } = keyframesAround(keys, frame);
  return from + (to - from) * t;
}
