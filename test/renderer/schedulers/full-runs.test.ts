import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../../../renderer/rng/torch-generator.ts';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import {
  createScheduler,
  SAMPLER_NAMES,
  schedulerForSampler,
} from '../../../renderer/schedulers/registry.ts';
import type { Scheduler } from '../../../renderer/schedulers/scheduler.ts';
import { expectClose, SD15_SCHEDULER_CONFIG, scaledLinearAlphaBar, wave } from './fixtures.ts';

const SHAPE = [1, 4, 4, 4];
const x0 = wave(64, 5);

type Model = (x: Float32Array, t: number, i: number, s: Scheduler) => Float32Array;

function run(s: Scheduler, steps: number, seed: number, model: Model): Float32Array {
  const g = new TorchGenerator(seed);
  s.setTimesteps(steps);
  let x: Float32Array = g.randn(SHAPE).map((v) => v * s.initNoiseSigma);
  s.timesteps.forEach((t, i) => {
    const out = model(s.scaleModelInput(x, t), t, i, s);
    x = s.step(out, t, x, g);
  });
  return x;
}

/**
 * A model that predicts the exact noise separating its input from x0, given how each scheduler holds the
 * latent: Euler, Euler a and LMS as x0 + sigma * noise (scaled before the model sees it), DPM-Solver as
 * alpha x0 + sigma_t noise from its sigmas (so do DEIS and UniPC), the others as sqrt(abar_t) x0 + sqrt(1 - abar_t) noise.
 */
const knowsX0: Model = (input, t, i, s) => {
  if (
    ['EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'LMSDiscreteScheduler'].includes(
      s.className,
    )
  ) {
    const sigma = s.sigmas![i];
    const unscale = Math.sqrt(sigma * sigma + 1);
    return input.map((v, k) => (v * unscale - x0[k]) / sigma);
  }
  let abar = scaledLinearAlphaBar(t);
  const fromSigmas = [
    'DPMSolverMultistepScheduler',
    'DPMSolverSinglestepScheduler',
    'DEISMultistepScheduler',
    'UniPCMultistepScheduler',
  ];
  if (fromSigmas.includes(s.className)) abar = 1 / (s.sigmas![i] ** 2 + 1);
  return input.map((v, k) => (v - Math.sqrt(abar) * x0[k]) / Math.sqrt(1 - abar));
};

describe('full runs with a model that knows the clean sample', () => {
  for (const sampler of SAMPLER_NAMES) {
    it(`${sampler} ends at x0`, () => {
      // set_alpha_to_one: DDIM and PNDM then end at abar = 1 (clean) rather than at training step 0.
      const s = schedulerForSampler(sampler, { ...SD15_SCHEDULER_CONFIG, set_alpha_to_one: true });
      const steps = sampler === 'lcm' ? 4 : 20;
      const tolerance = 1e-4;
      if (s.className === 'DEISMultistepScheduler') {
        // DEIS stops at the smallest training sigma, not at zero: what is left is that much of the noise
        // the model saw first (constant, since the model is exact).
        let noise: Float32Array = new Float32Array(0);
        const x = run(s, steps, 11, (input, t, i, sched) => {
          const out = knowsX0(input, t, i, sched);
          if (i === 0) noise = out;
          return out;
        });
        const last = s.sigmas![s.sigmas!.length - 1];
        const alpha = 1 / Math.sqrt(last * last + 1);
        expectClose(
          x,
          x0.map((v, k) => alpha * v + last * alpha * noise[k]),
          tolerance,
        );
        return;
      }
      expectClose(run(s, steps, 11, knowsX0), x0, tolerance);
    });
  }
});

describe('per-run state', () => {
  const model: Model = (input, t) => input.map((v) => 0.5 * Math.tanh(v) + 0.1 * Math.cos(t / 100));

  for (const sampler of SAMPLER_NAMES) {
    it(`${sampler}: a second run on the same scheduler repeats the first exactly`, () => {
      const s = schedulerForSampler(sampler, SD15_SCHEDULER_CONFIG);
      const steps = sampler === 'lcm' ? 4 : 12;
      const first = run(s, steps, 3, model);
      expect(Array.from(run(s, steps, 3, model))).toEqual(Array.from(first));
      const fresh = schedulerForSampler(sampler, SD15_SCHEDULER_CONFIG);
      expect(Array.from(run(fresh, steps, 3, model))).toEqual(Array.from(first));
    });
  }

  it('stochastic samplers depend on the seed, deterministic ones do not', () => {
    const differs = (sampler: string) => {
      const s = schedulerForSampler(sampler, SD15_SCHEDULER_CONFIG);
      const steps = sampler === 'lcm' ? 4 : 12;
      // Same start, different generators for the steps: compare only what the steps add.
      const a = runFrom(s, steps, 1);
      const b = runFrom(s, steps, 2);
      return a.some((v, i) => Math.abs(v - b[i]) > 1e-6);
    };
    const stochastic = ['euler_a', 'lcm', 'ddpm', 'dpm2_a', 'dpmpp_2m_sde', 'dpmpp_3m_sde_karras'];
    expect(stochastic.map(differs)).toEqual(stochastic.map(() => true));
    const deterministic = ['ddim', 'pndm', 'euler', 'dpmpp_2m', 'dpmpp_2m_karras', 'lms', 'unipc', 'heun'];
    deterministic.push('dpm2', 'deis', 'dpmpp_2s_karras');
    expect(deterministic.map(differs)).toEqual(deterministic.map(() => false));
  });

  function runFrom(s: Scheduler, steps: number, stepSeed: number): Float32Array {
    s.setTimesteps(steps);
    let x: Float32Array = new TorchGenerator(0).randn(SHAPE).map((v) => v * s.initNoiseSigma);
    const g = new TorchGenerator(stepSeed);
    for (const t of s.timesteps) x = s.step(model(s.scaleModelInput(x, t), t, 0, s), t, x, g);
    return x;
  }

  it('reset() alone starts a new run with the same schedule', () => {
    const s = schedulerForSampler('dpmpp_2m', SD15_SCHEDULER_CONFIG);
    const first = run(s, 10, 4, model);
    const g = new TorchGenerator(4);
    let x: Float32Array = g.randn(SHAPE).map((v) => v * s.initNoiseSigma);
    s.reset();
    s.timesteps.forEach((t, i) => {
      x = s.step(model(s.scaleModelInput(x, t), t, i, s), t, x, g);
    });
    expect(Array.from(x)).toEqual(Array.from(first));
  });
});

describe('config variants also end at x0 with an exact model', () => {
  const clean = { ...SD15_SCHEDULER_CONFIG, set_alpha_to_one: true };
  const variants: [string, () => Scheduler][] = [
    [
      'PNDM with Runge-Kutta warm-up',
      () => createScheduler('PNDMScheduler', { ...clean, skip_prk_steps: false }),
    ],
    [
      'DPM++ 2M, Heun form',
      () => createScheduler('DPMSolverMultistepScheduler', { ...clean, solver_type: 'heun' }),
    ],
    [
      'DPM++ first order',
      () => createScheduler('DPMSolverMultistepScheduler', { ...clean, solver_order: 1 }),
    ],
    ['LMS Karras', () => createScheduler('LMSDiscreteScheduler', { ...clean, use_karras_sigmas: true })],
    [
      'Euler exponential',
      () => createScheduler('EulerDiscreteScheduler', { ...clean, use_exponential_sigmas: true }),
    ],
    [
      'Euler a trailing',
      () => createScheduler('EulerAncestralDiscreteScheduler', { ...clean, timestep_spacing: 'trailing' }),
    ],
    ['DDIM, eta 1', () => new DDIMScheduler(clean, { eta: 1 })],
    [
      'DDPM fixed_small_log',
      () => createScheduler('DDPMScheduler', { ...clean, variance_type: 'fixed_small_log' }),
    ],
  ];
  for (const [label, make] of variants) {
    it(label, () => {
      expectClose(run(make(), 15, 8, knowsX0), x0, 1e-4);
    });
  }

  it('DPM-Solver (noise form) stops at sigma_min: alpha x0 + sigma_t * the predicted noise', () => {
    const s = createScheduler('DPMSolverMultistepScheduler', {
      ...clean,
      algorithm_type: 'dpmsolver',
      final_sigmas_type: 'sigma_min',
    });
    let lastNoise: Float32Array = new Float32Array(0);
    const x = run(s, 15, 8, (input, t, i, sch) => {
      lastNoise = knowsX0(input, t, i, sch);
      return lastNoise;
    });
    const sigma = s.sigmas![15];
    expect(sigma).toBeCloseTo(0.0292, 3);
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    expectClose(
      x,
      x0.map((v, k) => alpha * v + sigma * alpha * lastNoise[k]),
      1e-4,
    );
  });
});

describe('rescale_betas_zero_snr', () => {
  const zeroSnr = { ...SD15_SCHEDULER_CONFIG, rescale_betas_zero_snr: true, timestep_spacing: 'trailing' };

  it('makes the last training step pure noise in alpha space', () => {
    const noise = wave(64, 9);
    expectClose(new DDIMScheduler(zeroSnr).addNoise(x0, noise, 999), noise, 1e-6);
  });

  it('keeps the largest sigma finite (abar = 2^-24) in sigma space', () => {
    const s = createScheduler('EulerDiscreteScheduler', zeroSnr);
    s.setTimesteps(10);
    expect(s.sigmas![0]).toBeCloseTo(Math.sqrt(2 ** 24 - 1), 0);
  });
});
