import { describe, expect, it } from 'vitest';
import { DDIMScheduler } from '../../../renderer/schedulers/ddim.ts';
import { DDPMScheduler } from '../../../renderer/schedulers/ddpm.ts';
import { DEISMultistepScheduler } from '../../../renderer/schedulers/deis.ts';
import { DPMSolverMultistepScheduler } from '../../../renderer/schedulers/dpm-solver-multistep.ts';
import { DPMSolverSinglestepScheduler } from '../../../renderer/schedulers/dpm-solver-singlestep.ts';
import { EulerDiscreteScheduler } from '../../../renderer/schedulers/euler.ts';
import { EulerAncestralDiscreteScheduler } from '../../../renderer/schedulers/euler-ancestral.ts';
import { HeunDiscreteScheduler } from '../../../renderer/schedulers/heun.ts';
import { KDPM2DiscreteScheduler } from '../../../renderer/schedulers/kdpm2.ts';
import { KDPM2AncestralDiscreteScheduler } from '../../../renderer/schedulers/kdpm2-ancestral.ts';
import { LCMScheduler } from '../../../renderer/schedulers/lcm.ts';
import { LMSDiscreteScheduler } from '../../../renderer/schedulers/lms.ts';
import { PNDMScheduler } from '../../../renderer/schedulers/pndm.ts';
import { UniPCMultistepScheduler } from '../../../renderer/schedulers/unipc.ts';
import { SD15_SCHEDULER_CONFIG } from './fixtures.ts';

const base = SD15_SCHEDULER_CONFIG;

describe('unsupported config values are errors that name field, value and what is supported', () => {
  it('unknown beta_schedule', () => {
    expect(() => new DDIMScheduler({ ...base, beta_schedule: 'sigmoid' })).toThrow(
      'DDIMScheduler: config beta_schedule="sigmoid" is not supported (supported: linear, scaled_linear, squaredcos_cap_v2)',
    );
  });

  it('unknown timestep_spacing', () => {
    expect(() => new EulerDiscreteScheduler({ ...base, timestep_spacing: 'even' })).toThrow(
      'EulerDiscreteScheduler: config timestep_spacing="even" is not supported (supported: linspace, leading, trailing)',
    );
  });

  it('thresholding turned on', () => {
    expect(() => new DDPMScheduler({ ...base, thresholding: true })).toThrow(
      'DDPMScheduler: config thresholding=true is not supported (only false is supported: dynamic thresholding is meant for pixel-space models)',
    );
  });

  it('a prediction_type the scheduler cannot use', () => {
    expect(() => new EulerAncestralDiscreteScheduler({ ...base, prediction_type: 'sample' })).toThrow(
      'EulerAncestralDiscreteScheduler: config prediction_type="sample" is not supported (supported: epsilon, v_prediction)',
    );
    expect(() => new PNDMScheduler({ ...base, prediction_type: 'flow_prediction' })).toThrow(
      /PNDMScheduler: config prediction_type="flow_prediction" is not supported/,
    );
  });

  it('DPM-Solver options outside DPM++ 2M and friends', () => {
    expect(() => new DPMSolverMultistepScheduler({ ...base, solver_order: 4 })).toThrow(
      'DPMSolverMultistepScheduler: config solver_order=4 is not supported (supported: 1, 2, 3)',
    );
    expect(() => new DPMSolverMultistepScheduler({ ...base, algorithm_type: 'sde-dpmsolver' })).toThrow(
      'DPMSolverMultistepScheduler: config algorithm_type="sde-dpmsolver" is not supported (supported: dpmsolver++, dpmsolver, sde-dpmsolver++)',
    );
    expect(() => new DPMSolverMultistepScheduler({ ...base, algorithm_type: 'dpmsolver' })).toThrow(
      /final_sigmas_type="zero" is not supported \(algorithm_type dpmsolver needs final_sigmas_type sigma_min\)/,
    );
    expect(() => new DPMSolverMultistepScheduler({ ...base, variance_type: 'learned_range' })).toThrow(
      /variance_type="learned_range" is not supported \(only null is supported/,
    );
    expect(() => new DPMSolverMultistepScheduler({ ...base, use_lu_lambdas: true })).toThrow(
      /use_lu_lambdas=true is not supported/,
    );
  });

  it('options of the newer samplers that we do not implement', () => {
    expect(() => new UniPCMultistepScheduler({ ...base, solver_p: {} })).toThrow(
      /UniPCMultistepScheduler: config solver_p=object is not supported \(only null is supported/,
    );
    expect(() => new UniPCMultistepScheduler({ ...base, solver_type: 'bh3' })).toThrow(
      /UniPCMultistepScheduler: config solver_type="bh3" is not supported/,
    );
    expect(() => new DPMSolverSinglestepScheduler({ ...base, solver_order: 3 })).toThrow(
      'DPMSolverSinglestepScheduler: config solver_order=3 is not supported (supported: 1, 2)',
    );
    expect(() => new DPMSolverSinglestepScheduler({ ...base, algorithm_type: 'sde-dpmsolver++' })).toThrow(
      /DPMSolverSinglestepScheduler: config algorithm_type="sde-dpmsolver\+\+" is not supported/,
    );
    expect(() => new DEISMultistepScheduler({ ...base, use_flow_sigmas: true })).toThrow(
      /DEISMultistepScheduler: config use_flow_sigmas=true is not supported/,
    );
    expect(() => new HeunDiscreteScheduler({ ...base, use_beta_sigmas: true })).toThrow(
      /HeunDiscreteScheduler: config use_beta_sigmas=true is not supported/,
    );
    expect(() => new KDPM2DiscreteScheduler({ ...base, prediction_type: 'sample' })).toThrow(
      'KDPM2DiscreteScheduler: config prediction_type="sample" is not supported (supported: epsilon, v_prediction)',
    );
    expect(
      () =>
        new KDPM2AncestralDiscreteScheduler({
          ...base,
          use_karras_sigmas: true,
          use_exponential_sigmas: true,
        }),
    ).toThrow(
      'KDPM2AncestralDiscreteScheduler: use_karras_sigmas and use_exponential_sigmas cannot both be true',
    );
  });

  it('fields of a newer diffusers at their default values are no error', () => {
    const newer = {
      ...base,
      use_beta_sigmas: false,
      use_flow_sigmas: false,
      flow_shift: 1.0,
      time_shift_type: 'exponential',
      use_dynamic_shifting: false,
      final_sigmas_type: 'zero',
      shift_terminal: null,
      sigma_min: null,
      sigma_max: null,
      dynamic_thresholding_ratio: 0.995,
      sample_max_value: 1.0,
      disable_corrector: [],
      solver_p: null,
      use_lu_lambdas: false,
      variance_type: null,
    };
    for (const make of [
      UniPCMultistepScheduler,
      HeunDiscreteScheduler,
      KDPM2DiscreteScheduler,
      KDPM2AncestralDiscreteScheduler,
      DEISMultistepScheduler,
      DPMSolverSinglestepScheduler,
      DPMSolverMultistepScheduler,
    ]) {
      const s = new make({
        ...newer,
        algorithm_type: make === DEISMultistepScheduler ? 'deis' : 'dpmsolver++',
      });
      s.setTimesteps(10);
      expect(s.timesteps.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('sigma spacings and interpolation we do not implement', () => {
    expect(() => new LMSDiscreteScheduler({ ...base, use_beta_sigmas: true })).toThrow(
      /LMSDiscreteScheduler: config use_beta_sigmas=true is not supported/,
    );
    expect(() => new EulerDiscreteScheduler({ ...base, interpolation_type: 'log_linear' })).toThrow(
      'EulerDiscreteScheduler: config interpolation_type="log_linear" is not supported (supported: linear)',
    );
    expect(() => new DDPMScheduler({ ...base, variance_type: 'learned' })).toThrow(
      'DDPMScheduler: config variance_type="learned" is not supported (supported: fixed_small, fixed_small_log, fixed_large)',
    );
  });

  it('values of the wrong type', () => {
    expect(() => new DDIMScheduler({ ...base, steps_offset: '1' })).toThrow(
      'DDIMScheduler: config steps_offset="1" is not supported (expected a number)',
    );
    expect(() => new DDIMScheduler({ ...base, clip_sample: 'no' })).toThrow(
      'DDIMScheduler: config clip_sample="no" is not supported (expected true or false)',
    );
    expect(() => new DDIMScheduler({ ...base, trained_betas: [0.1, 0.2] })).toThrow(
      'DDIMScheduler: config trained_betas has 2 values but num_train_timesteps=1000',
    );
  });

  it('ignores fields it does not use and treats null as unset', () => {
    const s = new EulerDiscreteScheduler({
      ...base,
      some_future_option: 3,
      sigma_min: null,
      _class_name: 'X',
    });
    s.setTimesteps(4);
    expect(s.timesteps).toHaveLength(4);
  });
});

describe('misuse at run time', () => {
  it('stochastic steps without a noise source', () => {
    const s = new EulerAncestralDiscreteScheduler(base);
    s.setTimesteps(4);
    const x = new Float32Array(16);
    expect(() => s.step(x, s.timesteps[0], x)).toThrow(
      'EulerAncestralDiscreteScheduler.step draws noise and needs a noise source (rng)',
    );
  });

  it('steps out of range', () => {
    expect(() => new DDIMScheduler(base).setTimesteps(0)).toThrow(
      'DDIMScheduler: steps must be an integer from 1 to num_train_timesteps=1000, got 0',
    );
    expect(() => new LCMScheduler(base).setTimesteps(51)).toThrow(
      'LCMScheduler: steps must be an integer from 1 to original_inference_steps=50, got 51',
    );
  });

  it('stepping before setTimesteps, or with mismatched sizes', () => {
    const s = new DDIMScheduler(base);
    expect(() => s.step(new Float32Array(4), 1, new Float32Array(4))).toThrow(
      'DDIMScheduler: call setTimesteps before stepping',
    );
    s.setTimesteps(10);
    expect(() => s.step(new Float32Array(3), 901, new Float32Array(4))).toThrow(
      'DDIMScheduler: model output has 3 values but the sample has 4',
    );
  });
});
