// Schedulers by diffusers class name, and the sampler names of core's list mapped onto them.
import { RENDER_SAMPLERS, type RenderSampler } from '../../core/job/limits.ts';
import { DDIMScheduler } from './ddim.ts';
import { DDPMScheduler } from './ddpm.ts';
import { DEISMultistepScheduler } from './deis.ts';
import { DPMSolverMultistepScheduler } from './dpm-solver-multistep.ts';
import { DPMSolverSinglestepScheduler } from './dpm-solver-singlestep.ts';
import { EulerDiscreteScheduler } from './euler.ts';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral.ts';
import { HeunDiscreteScheduler } from './heun.ts';
import { KDPM2DiscreteScheduler } from './kdpm2.ts';
import { KDPM2AncestralDiscreteScheduler } from './kdpm2-ancestral.ts';
import { LCMScheduler } from './lcm.ts';
import { LMSDiscreteScheduler } from './lms.ts';
import { PNDMScheduler } from './pndm.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { UniPCMultistepScheduler } from './unipc.ts';

const CLASSES: Readonly<Record<string, new (config: SchedulerConfig) => Scheduler>> = {
  DDIMScheduler,
  DDPMScheduler,
  DEISMultistepScheduler,
  DPMSolverMultistepScheduler,
  DPMSolverSinglestepScheduler,
  EulerAncestralDiscreteScheduler,
  EulerDiscreteScheduler,
  HeunDiscreteScheduler,
  KDPM2AncestralDiscreteScheduler,
  KDPM2DiscreteScheduler,
  LCMScheduler,
  LMSDiscreteScheduler,
  PNDMScheduler,
  UniPCMultistepScheduler,
};

export const SCHEDULER_CLASSES: readonly string[] = Object.keys(CLASSES);

/** A scheduler from a diffusers class name (a config's `_class_name`) and its config. */
export function createScheduler(className: string, config: object): Scheduler {
  const make = Object.hasOwn(CLASSES, className) ? CLASSES[className] : undefined;
  if (!make) {
    throw new Error(`unknown scheduler class "${className}" (supported: ${SCHEDULER_CLASSES.join(', ')})`);
  }
  return new make(config as SchedulerConfig);
}

interface SamplerChoice {
  className: string;
  overrides: SchedulerConfig;
}

/** Keyed by core's list, so a sampler core lists without a choice here fails the type check. */
const SAMPLER_CHOICES: Readonly<Record<RenderSampler, SamplerChoice>> = {
  ddim: { className: 'DDIMScheduler', overrides: {} },
  ddpm: { className: 'DDPMScheduler', overrides: {} },
  // PLMS, as Stable Diffusion ships it: no Runge-Kutta warm-up.
  pndm: { className: 'PNDMScheduler', overrides: { skip_prk_steps: true } },
  euler: { className: 'EulerDiscreteScheduler', overrides: {} },
  euler_a: { className: 'EulerAncestralDiscreteScheduler', overrides: {} },
  dpmpp_2m: {
    className: 'DPMSolverMultistepScheduler',
    overrides: { algorithm_type: 'dpmsolver++', solver_order: 2, use_karras_sigmas: false },
  },
  dpmpp_2m_karras: {
    className: 'DPMSolverMultistepScheduler',
    overrides: { algorithm_type: 'dpmsolver++', solver_order: 2, use_karras_sigmas: true },
  },
  lms: { className: 'LMSDiscreteScheduler', overrides: {} },
  lcm: { className: 'LCMScheduler', overrides: {} },
  ...withKarras('unipc', 'UniPCMultistepScheduler', {}),
  ...withKarras('heun', 'HeunDiscreteScheduler', {}),
  ...withKarras('dpm2', 'KDPM2DiscreteScheduler', {}),
  ...withKarras('dpm2_a', 'KDPM2AncestralDiscreteScheduler', {}),
  ...withKarras('deis', 'DEISMultistepScheduler', {}),
  ...withKarras('dpmpp_2s', 'DPMSolverSinglestepScheduler', {
    algorithm_type: 'dpmsolver++',
    solver_order: 2,
  }),
  ...withKarras('dpmpp_2m_sde', 'DPMSolverMultistepScheduler', {
    algorithm_type: 'sde-dpmsolver++',
    solver_order: 2,
  }),
  ...withKarras('dpmpp_3m_sde', 'DPMSolverMultistepScheduler', {
    algorithm_type: 'sde-dpmsolver++',
    solver_order: 3,
  }),
};

/** A sampler with the class's own sigmas and its `_karras` twin with Karras et al.'s. */
function withKarras<N extends string>(
  name: N,
  className: string,
  overrides: SchedulerConfig,
): Record<N | `${N}_karras`, SamplerChoice> {
  return {
    [name]: { className, overrides: { ...overrides, use_karras_sigmas: false } },
    [`${name}_karras`]: { className, overrides: { ...overrides, use_karras_sigmas: true } },
  } as unknown as Record<N | `${N}_karras`, SamplerChoice>;
}

export type SamplerName = RenderSampler;
export const SAMPLER_NAMES: readonly SamplerName[] = RENDER_SAMPLERS;

export function isSamplerName(name: string): name is SamplerName {
  return Object.hasOwn(SAMPLER_CHOICES, name);
}

/**
 * The config a sampler runs with on a model whose folder holds `baseConfig` (usually PNDM's). Like
 * diffusers' `from_config`, it keeps what the model set explicitly (betas, prediction_type,
 * num_train_timesteps, steps_offset, timestep_spacing, ...) and drops bookkeeping keys and values the
 * base class only had by default (`_use_default_values`), so each class falls back to its own defaults.
 */
export function samplerConfig(
  sampler: SamplerName,
  baseConfig: object,
): { className: string; config: SchedulerConfig } {
  const base = baseConfig as SchedulerConfig;
  const defaulted = Array.isArray(base._use_default_values) ? (base._use_default_values as unknown[]) : [];
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (!key.startsWith('_') && !defaulted.includes(key)) kept[key] = value;
  }
  const choice = SAMPLER_CHOICES[sampler];
  return { className: choice.className, config: { ...kept, ...choice.overrides } };
}

/** A fresh scheduler for a user-facing sampler name on a model with scheduler config `baseConfig`. */
export function schedulerForSampler(sampler: string, baseConfig: object): Scheduler {
  if (!isSamplerName(sampler)) {
    throw new Error(`unknown sampler "${sampler}" (supported: ${SAMPLER_NAMES.join(', ')})`);
  }
  const { className, config } = samplerConfig(sampler, baseConfig);
  return createScheduler(className, config);
}
