// Our sampler names as AUTOMATIC1111 displays them in its infotext, and back.
import type { Sampler } from '../job/limits.ts';

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
  unipc: 'UniPC',
  unipc_karras: 'UniPC Karras',
  heun: 'Heun',
  heun_karras: 'Heun Karras',
  dpm2: 'DPM2',
  dpm2_karras: 'DPM2 Karras',
  dpm2_a: 'DPM2 a',
  dpm2_a_karras: 'DPM2 a Karras',
  deis: 'DEIS',
  deis_karras: 'DEIS Karras',
  dpmpp_2s: 'DPM++ 2S',
  dpmpp_2s_karras: 'DPM++ 2S Karras',
  dpmpp_2m_sde: 'DPM++ 2M SDE',
  dpmpp_2m_sde_karras: 'DPM++ 2M SDE Karras',
  dpmpp_3m_sde: 'DPM++ 3M SDE',
  dpmpp_3m_sde_karras: 'DPM++ 3M SDE Karras',
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
