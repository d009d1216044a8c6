import { describe, expect, it } from 'vitest';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import { karrasSigmas } from '../../../renderer/schedulers/noise-schedule.ts';
import { expectClose, SD15_SCHEDULER_CONFIG, scaledLinearSigma } from './fixtures.ts';

/** Karras et al. 2022, eq. 5, written out here on its own. */
function karrasReference(sigmaMin: number, sigmaMax: number, n: number, rho = 7): number[] {
  return Array.from({ length: n }, (_, i) => {
    const a = sigmaMax ** (1 / rho);
    const b = sigmaMin ** (1 / rho);
    return (a + (i / (n - 1)) * (b - a)) ** rho;
  });
}

function expectStrictlyDecreasing(values: ArrayLike<number>): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
}

describe('Karras sigmas', () => {
  it('karrasSigmas hits both ends exactly and follows eq. 5 in between, for any rho', () => {
    for (const rho of [7, 3]) {
      const got = karrasSigmas(0.03, 14.6, 12, rho);
      expect(got[0]).toBeCloseTo(14.6, 12);
      expect(got[11]).toBeCloseTo(0.03, 12);
      expectClose(got, karrasReference(0.03, 14.6, 12, rho), 1e-12);
      expectStrictlyDecreasing(got);
    }
  });

  it('DPM++ 2M Karras spans the training sigmas, then ends at zero', () => {
    const s = new DPMSolverMultistepScheduler({ ...SD15_SCHEDULER_CONFIG, use_karras_sigmas: true });
    s.setTimesteps(25);
    const sigmaMax = scaledLinearSigma(999);
    const sigmaMin = scaledLinearSigma(0);
    expect(s.sigmas).toHaveLength(26);
    expectClose(s.sigmas.subarray(0, 25), karrasReference(sigmaMin, sigmaMax, 25), 1e-5);
    // float32 alphas_cumprod (as in PyTorch) leave sigma_min, at 1 - abar ~ 1e-3, good to ~1e-5 only.
    expect(Math.abs(s.sigmas[0] / sigmaMax - 1)).toBeLessThan(1e-5);
    expect(Math.abs(s.sigmas[24] / sigmaMin - 1)).toBeLessThan(1e-4);
    expect(s.sigmas[25]).toBe(0);
    expectStrictlyDecreasing(s.sigmas);
  });

  it('DPM++ 2M Karras timesteps are the rounded training steps of those sigmas, noisy first', () => {
    const s = new DPMSolverMultistepScheduler({ ...SD15_SCHEDULER_CONFIG, use_karras_sigmas: true });
    s.setTimesteps(25);
    expect(s.timesteps[0]).toBe(999);
    expect(s.timesteps[24]).toBe(0);
    for (let i = 0; i < 25; i++) {
      expect(Number.isInteger(s.timesteps[i])).toBe(true);
      if (i > 0) expect(s.timesteps[i]).toBeLessThanOrEqual(s.timesteps[i - 1]);
      // The timestep's own training sigma brackets the Karras sigma.
      const t = s.timesteps[i];
      const lo = scaledLinearSigma(Math.max(t - 1, 0));
      const hi = scaledLinearSigma(Math.min(t + 1, 999));
      expect(s.sigmas[i]).toBeGreaterThanOrEqual(lo * 0.9999);
      expect(s.sigmas[i]).toBeLessThanOrEqual(hi * 1.0001);
    }
  });

  it('Euler honours sigma_min and sigma_max overrides and keeps fractional timesteps', () => {
    const s = new EulerDiscreteScheduler({
      ...SD15_SCHEDULER_CONFIG,
      use_karras_sigmas: true,
      sigma_min: 0.1,
      sigma_max: 10,
    });
    s.setTimesteps(8);
    expectClose(s.sigmas.subarray(0, 8), karrasReference(0.1, 10, 8), 1e-6);
    expect(s.sigmas[8]).toBe(0);
    expect(s.timesteps.some((t) => !Number.isInteger(t))).toBe(true);
    expect(s.initNoiseSigma).toBeCloseTo(10, 5);
  });
});
