// The schedule of the k-diffusion style second-order schedulers (Heun, KDPM2, KDPM2 ancestral): training
// timesteps spaced as Euler's, sigmas interpolated at them, optionally respaced (Karras, exponential) with
// the timesteps read back from the respaced sigmas.
import { interpIndex, roundHalfEven } from './numpy-ranges.ts';
import { exponentialSigmas, karrasSigmas, sigmaToTimestep } from './sigma-schedule.ts';
import { spacedTimesteps, type TimestepSpacing } from './timestep-spacing.ts';

export type SigmaSpacing = 'interpolated' | 'karras' | 'exponential';

export interface KScheduleOptions {
  spacing: TimestepSpacing;
  stepsOffset: number;
  trainSigmas: Float32Array;
  /** log of `trainSigmas`, in float32 as diffusers keeps them. */
  logSigmas: Float64Array;
  sigmaSpacing: SigmaSpacing;
  /** KDPM2 rounds the timesteps read back from Karras sigmas (not exponential ones); Heun never does. */
  roundKarras: boolean;
}

/** Timesteps and sigmas (without the final zero) for `steps` steps, both noisy first. */
export function kSchedule(o: KScheduleOptions, steps: number): { timesteps: number[]; sigmas: number[] } {
  let timesteps = Array.from(spacedTimesteps(o.spacing, o.trainSigmas.length, steps, o.stepsOffset, false));
  let sigmas = timesteps.map((t) => interpIndex(t, o.trainSigmas));
  if (o.sigmaSpacing !== 'interpolated') {
    const min = sigmas[sigmas.length - 1];
    const max = sigmas[0];
    sigmas = Array.from(
      o.sigmaSpacing === 'karras' ? karrasSigmas(min, max, steps) : exponentialSigmas(min, max, steps),
    );
    timesteps = sigmas.map((s) => sigmaToTimestep(s, o.logSigmas));
    if (o.roundKarras && o.sigmaSpacing === 'karras') timesteps = timesteps.map(roundHalfEven);
  }
  return { timesteps, sigmas };
}

/** [a0, a1, a1, a2, a2, ..., last]: diffusers' `cat([x[:1], x[1:-1].repeat_interleave(2), x[-1:]])`. */
export function interleaveInner(values: readonly number[]): number[] {
  const out = [values[0]];
  for (let i = 1; i < values.length - 1; i++) out.push(values[i], values[i]);
  if (values.length > 1) out.push(values[values.length - 1]);
  return out;
}

/** [a0, a1, a1, ..., an, an, an]: diffusers' `cat([x[:1], x[1:].repeat_interleave(2), x[-1:]])`. */
export function interleaveTail(values: readonly number[]): number[] {
  const out = [values[0]];
  for (let i = 1; i < values.length; i++) out.push(values[i], values[i]);
  out.push(values[values.length - 1]);
  return out;
}
