import { describe, expect, it } from 'vitest';
import {
  createScheduler,
  SAMPLER_NAMES,
  samplerConfig,
  schedulerForSampler,
} from '../../../renderer/schedulers/registry.ts';
import { SD15_SCHEDULER_CONFIG, scaledLinearSigma } from './fixtures.ts';

describe('sampler names', () => {
  it('map to diffusers classes', () => {
    const classes = Object.fromEntries(
      SAMPLER_NAMES.map((name) => [name, schedulerForSampler(name, SD15_SCHEDULER_CONFIG).className]),
    );
    expect(classes).toEqual({
      ddim: 'DDIMScheduler',
      ddpm: 'DDPMScheduler',
      pndm: 'PNDMScheduler',
      euler: 'EulerDiscreteScheduler',
      euler_a: 'EulerAncestralDiscreteScheduler',
      dpmpp_2m: 'DPMSolverMultistepScheduler',
      dpmpp_2m_karras: 'DPMSolverMultistepScheduler',
      lms: 'LMSDiscreteScheduler',
      lcm: 'LCMScheduler',
      unipc: 'UniPCMultistepScheduler',
      unipc_karras: 'UniPCMultistepScheduler',
      heun: 'HeunDiscreteScheduler',
      heun_karras: 'HeunDiscreteScheduler',
      dpm2: 'KDPM2DiscreteScheduler',
      dpm2_karras: 'KDPM2DiscreteScheduler',
      dpm2_a: 'KDPM2AncestralDiscreteScheduler',
      dpm2_a_karras: 'KDPM2AncestralDiscreteScheduler',
      deis: 'DEISMultistepScheduler',
      deis_karras: 'DEISMultistepScheduler',
      dpmpp_2s: 'DPMSolverSinglestepScheduler',
      dpmpp_2s_karras: 'DPMSolverSinglestepScheduler',
      dpmpp_2m_sde: 'DPMSolverMultistepScheduler',
      dpmpp_2m_sde_karras: 'DPMSolverMultistepScheduler',
      dpmpp_3m_sde: 'DPMSolverMultistepScheduler',
      dpmpp_3m_sde_karras: 'DPMSolverMultistepScheduler',
    });
  });

  it('the SDE samplers are DPM-Solver++ SDE of order 2 and 3, with and without Karras sigmas', () => {
    expect(samplerConfig('dpmpp_2m_sde', SD15_SCHEDULER_CONFIG).config).toMatchObject({
      algorithm_type: 'sde-dpmsolver++',
      solver_order: 2,
      use_karras_sigmas: false,
    });
    expect(samplerConfig('dpmpp_3m_sde_karras', SD15_SCHEDULER_CONFIG).config).toMatchObject({
      algorithm_type: 'sde-dpmsolver++',
      solver_order: 3,
      use_karras_sigmas: true,
    });
    expect(samplerConfig('dpmpp_2s', SD15_SCHEDULER_CONFIG).config).toMatchObject({
      algorithm_type: 'dpmsolver++',
      solver_order: 2,
    });
    const plain = schedulerForSampler('heun', SD15_SCHEDULER_CONFIG);
    const karras = schedulerForSampler('heun_karras', SD15_SCHEDULER_CONFIG);
    plain.setTimesteps(10);
    karras.setTimesteps(10);
    // Heun visits every inner timestep twice: 2 * steps - 1 model calls.
    expect(plain.timesteps).toHaveLength(19);
    expect(Array.from(plain.timesteps.subarray(0, 3))).toEqual([999, 888, 888]);
    expect(karras.timesteps[1]).not.toBe(888);
  });

  it('dpmpp_2m_karras uses Karras sigmas and dpmpp_2m does not, even if the model config asks', () => {
    const plain = schedulerForSampler('dpmpp_2m', { ...SD15_SCHEDULER_CONFIG, use_karras_sigmas: true });
    const karras = schedulerForSampler('dpmpp_2m_karras', SD15_SCHEDULER_CONFIG);
    plain.setTimesteps(20);
    karras.setTimesteps(20);
    expect(plain.sigmas![19]).toBeCloseTo(scaledLinearSigma(50), 4);
    expect(karras.sigmas![19]).toBeCloseTo(scaledLinearSigma(0), 4);
    expect(samplerConfig('dpmpp_2m_karras', SD15_SCHEDULER_CONFIG).config).toMatchObject({
      algorithm_type: 'dpmsolver++',
      solver_order: 2,
      use_karras_sigmas: true,
    });
  });

  it("carry the model's betas and steps_offset over, and drop its bookkeeping keys", () => {
    const { className, config } = samplerConfig('ddim', SD15_SCHEDULER_CONFIG);
    expect(className).toBe('DDIMScheduler');
    expect(config).not.toHaveProperty('_class_name');
    expect(config).toMatchObject({ beta_schedule: 'scaled_linear', beta_start: 0.00085, steps_offset: 1 });
    const ddim = schedulerForSampler('ddim', SD15_SCHEDULER_CONFIG);
    ddim.setTimesteps(20);
    expect(ddim.timesteps[19]).toBe(1);
    const euler = schedulerForSampler('euler', SD15_SCHEDULER_CONFIG);
    euler.setTimesteps(20);
    expect(euler.sigmas![0]).toBeCloseTo(scaledLinearSigma(999), 4);
  });

  it('pndm means PLMS: Runge-Kutta warm-up skipped whatever the model config says', () => {
    const s = schedulerForSampler('pndm', { ...SD15_SCHEDULER_CONFIG, skip_prk_steps: false });
    s.setTimesteps(20);
    expect(s.timesteps).toHaveLength(21);
  });

  it('values the base class only had by default do not override the target class defaults', () => {
    const explicit = { ...SD15_SCHEDULER_CONFIG, timestep_spacing: 'leading' };
    const defaulted = { ...explicit, _use_default_values: ['timestep_spacing'] };
    const a = schedulerForSampler('euler', explicit);
    const b = schedulerForSampler('euler', defaulted);
    a.setTimesteps(20);
    b.setTimesteps(20);
    expect(a.timesteps[0]).toBe(951);
    expect(b.timesteps[0]).toBe(999);
  });

  it('an unknown sampler or class is an error listing what exists', () => {
    expect(() => schedulerForSampler('dpmpp_2s_a', SD15_SCHEDULER_CONFIG)).toThrow(
      'unknown sampler "dpmpp_2s_a" (supported: ddim, ddpm, pndm, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lms, lcm, unipc, unipc_karras, heun, heun_karras, dpm2, dpm2_karras, dpm2_a, dpm2_a_karras, deis, deis_karras, dpmpp_2s, dpmpp_2s_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, dpmpp_3m_sde, dpmpp_3m_sde_karras)',
    );
    expect(() => createScheduler('toString', {})).toThrow(
      /^unknown scheduler class "toString" \(supported: DDIMScheduler/,
    );
  });
});
