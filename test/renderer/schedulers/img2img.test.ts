import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import { img2imgTimesteps } from '../../../renderer/schedulers/img2img.ts';
import { LMSDiscreteScheduler } from '../../../renderer/schedulers/lms.ts';
import { expectClose, SD15_SCHEDULER_CONFIG, wave } from './fixtures.ts';

describe('img2imgTimesteps', () => {
  it('keeps the last floor(steps * strength) timesteps', () => {
    const s = new DDIMScheduler(SD15_SCHEDULER_CONFIG);
    const kept = img2imgTimesteps(s, 20, 0.75);
    expect(Array.from(kept)).toEqual(Array.from(s.timesteps.subarray(5)));
    expect(kept[0]).toBe(701);
    expect(img2imgTimesteps(s, 20, 1)).toHaveLength(20);
    expect(img2imgTimesteps(s, 20, 0.04)).toHaveLength(0);
    // floor, not round: 0.79 * 10 = 7.9 keeps 7.
    expect(img2imgTimesteps(s, 10, 0.79)).toHaveLength(7);
  });

  it('rejects a strength outside [0, 1]', () => {
    expect(() => img2imgTimesteps(new DDIMScheduler(SD15_SCHEDULER_CONFIG), 20, 1.5)).toThrow(
      'img2img strength must be in [0, 1], got 1.5',
    );
  });

  it('starts an Euler run at the sigma of the first kept step', () => {
    const s = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    const kept = img2imgTimesteps(s, 20, 0.6);
    expect(kept).toHaveLength(12);
    const x0 = wave(16, 1);
    const noise = wave(16, 2);
    expectClose(
      s.addNoise(x0, noise, kept[0]),
      x0.map((v, i) => v + s.sigmas[8] * noise[i]),
      1e-6,
    );
    const scaled = s.scaleModelInput(x0, kept[0]);
    expect(scaled[1] / x0[1]).toBeCloseTo(1 / Math.sqrt(s.sigmas[8] ** 2 + 1), 6);
  });

  it('uses the begin index, not a lookup, when the first kept timestep appears twice', () => {
    const s = new DPMSolverMultistepScheduler({ ...SD15_SCHEDULER_CONFIG, use_karras_sigmas: true });
    s.setTimesteps(50);
    // Karras spacing repeats small timesteps: 47 and 48 are both training step 1.
    expect(s.timesteps[47]).toBe(s.timesteps[48]);
    const kept = img2imgTimesteps(s, 50, 0.06);
    expect(kept).toHaveLength(3);
    const zero = new Float32Array(4);
    const ones = new Float32Array(4).fill(1);
    const sigmaT = (sigma: number) => sigma / Math.sqrt(sigma * sigma + 1);
    expect(s.addNoise(zero, ones, kept[0])[0]).toBeCloseTo(sigmaT(s.sigmas[47]), 6);
    expect(sigmaT(s.sigmas[47])).not.toBeCloseTo(sigmaT(s.sigmas[48]), 4);
    // Without img2img, a lookup of the same timestep takes the second occurrence.
    s.setTimesteps(50);
    expect(s.addNoise(zero, ones, s.timesteps[47])[0]).toBeCloseTo(sigmaT(s.sigmas[48]), 6);
  });

  it('LMS starts mid-schedule with a first-order step, as it has only one derivative yet', () => {
    const lms = new LMSDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    const euler = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    const kept = img2imgTimesteps(lms, 20, 0.5);
    img2imgTimesteps(euler, 20, 0.5);
    const x = wave(16, 1);
    const eps = wave(16, 2);
    expectClose(lms.step(eps, kept[0], x), euler.step(eps, kept[0], x), 1e-6);
  });
});
