import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import {
  expectClose,
  SD15_SCHEDULER_CONFIG,
  scaledLinearAlphaBar,
  scaledLinearSigma,
  wave,
} from './fixtures.ts';

const x0 = wave(32, 3);
const noise = wave(32, 4);

describe('addNoise', () => {
  it('Euler (sigma space): x0 + sigma * noise, sigma interpolated between training steps', () => {
    const s = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    s.setTimesteps(20);
    const t = s.timesteps[5]; // 736.105..., between training steps 736 and 737
    const w = t - Math.floor(t);
    const sigma = (1 - w) * scaledLinearSigma(Math.floor(t)) + w * scaledLinearSigma(Math.ceil(t));
    expect(s.sigmas[5] / sigma).toBeCloseTo(1, 5);
    expectClose(
      s.addNoise(x0, noise, t),
      x0.map((v, i) => v + sigma * noise[i]),
      1e-5,
    );
  });

  it('DDIM (alpha space): sqrt(abar) x0 + sqrt(1 - abar) noise', () => {
    const s = new DDIMScheduler(SD15_SCHEDULER_CONFIG);
    s.setTimesteps(20);
    const abar = scaledLinearAlphaBar(501);
    expectClose(
      s.addNoise(x0, noise, 501),
      x0.map((v, i) => Math.sqrt(abar) * v + Math.sqrt(1 - abar) * noise[i]),
      1e-5,
    );
  });

  it('DPM-Solver (alpha space from its sigmas) matches DDIM at the same training step', () => {
    const dpm = new DPMSolverMultistepScheduler(SD15_SCHEDULER_CONFIG);
    dpm.setTimesteps(20);
    const t = dpm.timesteps[10];
    const ddim = new DDIMScheduler(SD15_SCHEDULER_CONFIG);
    expectClose(dpm.addNoise(x0, noise, t), ddim.addNoise(x0, noise, t), 1e-5);
  });

  it('rejects a timestep outside the schedule or the training range', () => {
    const euler = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    euler.setTimesteps(20);
    expect(() => euler.addNoise(x0, noise, 500)).toThrow(/timestep 500 is not in the schedule/);
    expect(() => new DDIMScheduler(SD15_SCHEDULER_CONFIG).addNoise(x0, noise, 1000)).toThrow(
      'DDIMScheduler: timestep 1000 is not a training step in [0, 999]',
    );
  });
});
