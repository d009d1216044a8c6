import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import { LCMScheduler } from '../../../renderer/schedulers/lcm.ts';
import { PNDMScheduler } from '../../../renderer/schedulers/pndm.ts';
import { SD15_SCHEDULER_CONFIG } from './fixtures.ts';

// Expected schedules computed with NumPy as diffusers does (np.round rounds halves to even).
describe('timestep spacing', () => {
  it('trailing rounds exact halves to even (16 steps: 937.5 -> 938, 812.5 -> 812)', () => {
    const s = new DDIMScheduler({ ...SD15_SCHEDULER_CONFIG, timestep_spacing: 'trailing' });
    s.setTimesteps(16);
    expect(Array.from(s.timesteps)).toEqual([
      999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61,
    ]);
    s.setTimesteps(7);
    expect(Array.from(s.timesteps)).toEqual([999, 856, 713, 570, 428, 285, 142]);
  });

  it('linspace on integer schedulers rounds, on Euler keeps float32 fractions', () => {
    const ddim = new DDIMScheduler({ ...SD15_SCHEDULER_CONFIG, timestep_spacing: 'linspace' });
    ddim.setTimesteps(8);
    expect(Array.from(ddim.timesteps)).toEqual([999, 856, 714, 571, 428, 285, 143, 0]);
    const euler = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    euler.setTimesteps(8);
    expect(euler.timesteps[1]).toBe(Math.fround((999 * 6) / 7));
  });

  it('leading adds steps_offset; Euler then starts from sqrt(sigma^2 + 1)', () => {
    const s = new EulerDiscreteScheduler({ ...SD15_SCHEDULER_CONFIG, timestep_spacing: 'leading' });
    s.setTimesteps(10);
    expect(Array.from(s.timesteps)).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(s.initNoiseSigma).toBeCloseTo(Math.sqrt(s.sigmas[0] ** 2 + 1), 5);
  });

  it('DPM-Solver places steps + 1 points and drops the clean end', () => {
    const s = new DPMSolverMultistepScheduler(SD15_SCHEDULER_CONFIG);
    s.setTimesteps(25);
    expect(Array.from(s.timesteps)).toEqual([
      999, 959, 919, 879, 839, 799, 759, 719, 679, 639, 599, 559, 519, 480, 440, 400, 360, 320, 280, 240, 200,
      160, 120, 80, 40,
    ]);
    const trailing = new DPMSolverMultistepScheduler({
      ...SD15_SCHEDULER_CONFIG,
      timestep_spacing: 'trailing',
    });
    trailing.setTimesteps(6);
    expect(Array.from(trailing.timesteps)).toEqual([999, 832, 666, 499, 332, 166]);
  });

  it('PNDM with skip_prk_steps visits the second timestep twice; with PRK steps it starts with 12 RK evaluations', () => {
    const plms = new PNDMScheduler(SD15_SCHEDULER_CONFIG);
    plms.setTimesteps(5);
    expect(Array.from(plms.timesteps)).toEqual([801, 601, 601, 401, 201, 1]);
    const prk = new PNDMScheduler({ ...SD15_SCHEDULER_CONFIG, skip_prk_steps: false });
    prk.setTimesteps(5);
    expect(Array.from(prk.timesteps)).toEqual([
      801, 701, 701, 601, 601, 501, 501, 401, 401, 301, 301, 201, 201, 1,
    ]);
  });

  it('LCM picks evenly from its 50-step distillation schedule', () => {
    const s = new LCMScheduler(SD15_SCHEDULER_CONFIG);
    s.setTimesteps(4);
    expect(Array.from(s.timesteps)).toEqual([999, 759, 499, 259]);
    s.setTimesteps(1);
    expect(Array.from(s.timesteps)).toEqual([999]);
  });
});
