// The toy model's noise schedule and the job defaults it ships in imagine.json.
//
// The schedule is Stable Diffusion 1.5's (scaled_linear betas from 0.00085, PNDM, leading spacing)
// with beta_end 0.02 instead of 0.012: alpha_bar at t = 999 is 2.3e-4 (sigma 66) instead of 4.7e-3
// (sigma 14.6). SD 1.5's last noise level still shows a little of the picture (Lin et al., "Common
// Diffusion Noise Schedules and Sample Steps Are Flawed"); the toy's six backgrounds differ in every
// cell, so at 4.7e-3 the starting noise alone had chosen one of them before the first step, and the
// prompt and the negative prompt had to pull against it. Up to t = 200 the two schedules are within
// 6% of each other in alpha_bar (13% at 300), so low img2img strengths mean about what they do on SD 1.5.
//
// The toy's posterior is exact and sharp: its conditional half already draws the asked scene, and
// classifier-free guidance much above 1 extrapolates beyond it. Second-order and multistep samplers
// (DPM2, PNDM) then take the extrapolation back on the next evaluation, where both halves agree (see
// docs/toy-model.md). So its default guidance is 1.5, as a model card would say; a job's --cfg wins.
/** Stable Diffusion 1.5's scheduler config (the bench model ships it). */
export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.30.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: 'leading',
  trained_betas: null,
};

export const TOY_SCHEDULER_CONFIG = { ...SD15_SCHEDULER_CONFIG, beta_end: 0.02 };

/** imagine.json of the toy models (renderer/model/model-settings.ts). */
export const TOY_SETTINGS = { guidance: 1.5 };
