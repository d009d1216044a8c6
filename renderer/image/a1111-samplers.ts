// Our sampler names as AUTOMATIC1111 displays them in its infotext, and back.
import type { Sampler } from '../../core/index.ts';

/** AUTOMATIC1111's names before 1.9, where the Karras schedule is part of the sampler's name. */
export const A1111_SAMPLER_NAMES: Readonly<Record<Sampler, string>> = {
  ddim: 'DDIM',
  pndm: 'PLMS',
  euler: 'Euler',
  euler_a: 'Euler a',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_2m_karras: 'DPM++ 2M Karras',
  lms: 'LMS',
  lcm: 'LCM',
};

/**
 * Our sampler for an AUTOMATIC1111 sampler name, or undefined. Since 1.9 it writes the schedule apart
 * (`Sampler: DPM++ 2M, Schedule type: Karras`); both spellings are understood.
 */
export function samplerFromA1111(name: string, scheduleType?: string): Sampler | undefined {
  const full = scheduleType && scheduleType !== 'Automatic' ? `${name} ${scheduleType}` : name;
  for (const [ours, theirs] of Object.entries(A1111_SAMPLER_NAMES)) {
    if (theirs === full) return ours as Sampler;
  }
  return undefined;
}
