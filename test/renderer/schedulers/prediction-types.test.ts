import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import { LMSDiscreteScheduler } from '../../../renderer/schedulers/lms.ts';
import { expectClose, SD15_SCHEDULER_CONFIG, scaledLinearAlphaBar, wave } from './fixtures.ts';

// With a model that predicts exactly, one deterministic step lands exactly on the noised x0 at the
// next noise level; each test builds the model output for its prediction type by hand.
const N = 64;
const x0 = wave(N, 1);
const noise = wave(N, 2);

function combine(a: number, x: Float32Array, b: number, y: Float32Array): Float32Array {
  return x.map((v, i) => a * v + b * y[i]);
}

describe('prediction_type conversions', () => {
  it('Euler, v_prediction: v = alpha * noise - sigma_t * x0 on the unit-variance input', () => {
    const s = new EulerDiscreteScheduler({ ...SD15_SCHEDULER_CONFIG, prediction_type: 'v_prediction' });
    s.setTimesteps(10);
    const t = s.timesteps[3];
    const sigma = s.sigmas[3];
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const v = combine(alpha, noise, -sigma * alpha, x0);
    const x = combine(1, x0, sigma, noise);
    s.scaleModelInput(x, t);
    expectClose(s.step(v, t, x), combine(1, x0, s.sigmas[4], noise), 1e-5);
  });

  it('Euler, v_prediction differs from reading the same output as epsilon', () => {
    const eps = new EulerDiscreteScheduler(SD15_SCHEDULER_CONFIG);
    const vp = new EulerDiscreteScheduler({ ...SD15_SCHEDULER_CONFIG, prediction_type: 'v_prediction' });
    eps.setTimesteps(10);
    vp.setTimesteps(10);
    const x = combine(1, x0, eps.sigmas[0], noise);
    const a = eps.step(noise, eps.timesteps[0], x);
    const b = vp.step(noise, vp.timesteps[0], x);
    expect(Math.abs(a[0] - b[0])).toBeGreaterThan(1e-3);
  });

  it('LMS, sample prediction: the model output is x0 itself', () => {
    const s = new LMSDiscreteScheduler({ ...SD15_SCHEDULER_CONFIG, prediction_type: 'sample' });
    s.setTimesteps(10);
    const x = combine(1, x0, s.sigmas[0], noise);
    expectClose(s.step(x0, s.timesteps[0], x), combine(1, x0, s.sigmas[1], noise), 1e-5);
  });

  it('DDIM, v_prediction: lands on sqrt(abar_prev) x0 + sqrt(1 - abar_prev) noise', () => {
    const s = new DDIMScheduler({ ...SD15_SCHEDULER_CONFIG, prediction_type: 'v_prediction' });
    s.setTimesteps(20);
    const t = s.timesteps[4]; // 751 with leading spacing and steps_offset 1
    expect(t).toBe(751);
    const abar = scaledLinearAlphaBar(t);
    const abarPrev = scaledLinearAlphaBar(t - 50);
    const v = combine(Math.sqrt(abar), noise, -Math.sqrt(1 - abar), x0);
    const x = combine(Math.sqrt(abar), x0, Math.sqrt(1 - abar), noise);
    expectClose(s.step(v, t, x), combine(Math.sqrt(abarPrev), x0, Math.sqrt(1 - abarPrev), noise), 1e-5);
  });

  it('DPM++, v_prediction: the first (first-order) step is exact too', () => {
    const s = new DPMSolverMultistepScheduler({ ...SD15_SCHEDULER_CONFIG, prediction_type: 'v_prediction' });
    s.setTimesteps(10);
    const alphaSigma = (sigma: number) => [
      1 / Math.sqrt(sigma * sigma + 1),
      sigma / Math.sqrt(sigma * sigma + 1),
    ];
    const [a0, s0] = alphaSigma(s.sigmas[0]);
    const [a1, s1] = alphaSigma(s.sigmas[1]);
    const v = combine(a0, noise, -s0, x0);
    const x = combine(a0, x0, s0, noise);
    expectClose(s.step(v, s.timesteps[0], x), combine(a1, x0, s1, noise), 1e-5);
  });
});
