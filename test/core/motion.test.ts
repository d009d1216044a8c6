// Motion texts and video schedules as people type them.
import { describe, expect, it } from 'vitest';
import { formatMotion, parseMotion } from '../../core/job/motion.ts';
import { parsePromptSchedule, parseStrengthSchedule, scheduleAt } from '../../core/job/video-schedule.ts';

describe('motion texts', () => {
  it('reads single motions, speeds and combinations, in one spelling', () => {
    expect(parseMotion('zoom-in')).toEqual([{ motion: 'zoom-in', speed: 1 }]);
    expect(parseMotion('Zoom In:0.5+pan_left')).toEqual([
      { motion: 'zoom-in', speed: 0.5 },
      { motion: 'pan-left', speed: 1 },
    ]);
    expect(formatMotion(parseMotion('rotate-cw:2+tilt-up') as never)).toBe('rotate-cw:2+tilt-up');
    expect(parseMotion('none')).toEqual([{ motion: 'static', speed: 1 }]);
  });

  it('says what is wrong with a motion text', () => {
    expect(parseMotion('zoom-inn')).toMatch(
      /^is not a motion \(did you mean zoom-in\?\); motions: static, zoom-in/,
    );
    expect(parseMotion('zoom-in+spin')).toMatch(/^"spin" is not a motion/);
    expect(parseMotion('pan-left:fast')).toBe(
      'the speed of pan-left must be a number from 0 to 10 after a colon, e.g. pan-left:0.5',
    );
    expect(parseMotion('pan-left+pan-left:2')).toBe('pan-left is given twice: give it once with a speed');
    expect(parseMotion('static+zoom-in')).toMatch(/do not combine it/);
  });
});

describe('video schedules', () => {
  it('interpolates a strength schedule between keyframes and holds it outside them', () => {
    const keys = parseStrengthSchedule('0:0.55, 24:0.4') as { frame: number; value: number }[];
    expect(scheduleAt(keys, 0)).toBeCloseTo(0.55);
    expect(scheduleAt(keys, 12)).toBeCloseTo(0.475);
    expect(scheduleAt(keys, 40)).toBeCloseTo(0.4);
    expect(parseStrengthSchedule('0:0.5, 0:0.3')).toBe('frame 0 is given twice: keep one');
    expect(parseStrengthSchedule('0:0.5, x')).toMatch(/^"x" is not FRAME:STRENGTH/);
  });

  it('reads a prompt schedule, and a plain prompt as one keyframe', () => {
    expect(parsePromptSchedule('0: a forest | 24: a city')).toEqual([
      { frame: 0, value: 'a forest' },
      { frame: 24, value: 'a city' },
    ]);
    expect(parsePromptSchedule('a forest at 3: dusk')).toEqual([{ frame: 0, value: 'a forest at 3: dusk' }]);
    expect(parsePromptSchedule('0: a forest | a city')).toMatch(/^"a city" is not FRAME: PROMPT/);
  });
});
