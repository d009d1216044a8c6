// The reference file also holds samplers the renderer does not implement yet (issue L: UniPC, Heun,
// KDPM2, DEIS, DPM++ 2S, DPM++ 2M SDE). Their cases must fail as "not supported", never as a wrong
// answer; a case that starts passing belongs in the ordinary list, so this one has to shrink with it.

/** True when a reference case is for a sampler the renderer does not have yet. */
export function awaitsNewSampler(c: Record<string, unknown>): boolean {
  const scheduler = String(c.scheduler ?? '');
  const config = (c.config ?? {}) as Record<string, unknown>;
  if (scheduler === 'DPMSolverMultistepScheduler') return config.algorithm_type === 'sde-dpmsolver++';
  return [
    'UniPCMultistepScheduler',
    'HeunDiscreteScheduler',
    'KDPM2DiscreteScheduler',
    'KDPM2AncestralDiscreteScheduler',
    'DEISMultistepScheduler',
    'DPMSolverSinglestepScheduler',
  ].includes(scheduler);
}

/** How the checker reports a sampler it does not have. */
export const NOT_SUPPORTED = /unknown scheduler class|is not supported/;
