// img2img starts part-way down the schedule: strength 1 uses every step, strength 0.5 the clean half.
import type { Scheduler } from './scheduler.ts';

/**
 * Builds the schedule for `steps` and returns the timesteps an img2img run visits, as diffusers'
 * img2img pipeline does: skip the first (steps - floor(steps * strength)) steps, times the scheduler's
 * order, and tell step-index schedulers where the run begins.
 */
export function img2imgTimesteps(scheduler: Scheduler, steps: number, strength: number): Float32Array {
  if (!(strength >= 0 && strength <= 1))
    throw new Error(`img2img strength must be in [0, 1], got ${strength}`);
  scheduler.setTimesteps(steps);
  const initTimestep = Math.min(Math.floor(steps * strength), steps);
  const start = Math.max(steps - initTimestep, 0) * scheduler.order;
  scheduler.setBeginIndex?.(start);
  return scheduler.timesteps.slice(start);
}
