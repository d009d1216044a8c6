import { describe, expect, it } from 'vitest';
import { A1111_SAMPLER_NAMES, samplerFromA1111 } from '../../../core/a1111/sampler-names.ts';
import { SAMPLERS } from '../../../core/job/limits.ts';
import { SAMPLER_NAMES } from '../../../renderer/schedulers/registry.ts';

describe('sampler names users and A1111 clients see', () => {
  it('every sampler a job may name is one the renderer has', () => {
    for (const name of SAMPLERS) expect(SAMPLER_NAMES).toContain(name);
  });

  it("the newer samplers carry AUTOMATIC1111's names, and those names lead back to them", () => {
    expect(A1111_SAMPLER_NAMES).toMatchObject({
      unipc: 'UniPC',
      heun: 'Heun',
      dpm2: 'DPM2',
      dpm2_a: 'DPM2 a',
      dpm2_a_karras: 'DPM2 a Karras',
      deis: 'DEIS',
      dpmpp_2s: 'DPM++ 2S',
      dpmpp_2m_sde: 'DPM++ 2M SDE',
      dpmpp_2m_sde_karras: 'DPM++ 2M SDE Karras',
      dpmpp_3m_sde: 'DPM++ 3M SDE',
      dpmpp_3m_sde_karras: 'DPM++ 3M SDE Karras',
    });
    for (const [ours, theirs] of Object.entries(A1111_SAMPLER_NAMES)) {
      expect(samplerFromA1111(theirs)).toBe(ours);
    }
    // Since A1111 1.9 the schedule is written apart from the sampler.
    expect(samplerFromA1111('DPM++ 2M SDE', 'Karras')).toBe('dpmpp_2m_sde_karras');
    expect(new Set(Object.values(A1111_SAMPLER_NAMES)).size).toBe(SAMPLERS.length);
  });
});
