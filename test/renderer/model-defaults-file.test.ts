// A model folder's family and natural size, read from its own configs, and imagine.json over them.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelDefaultsIn, readModelDefaults } from '../../renderer/model/model-defaults-file.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { TINY_XL, TINY_XL_PRESENT } from '../helpers/defaults-models.ts';

const TINY_XL_INPAINT = fileURLToPath(
  new URL('../../../shared/fidelity-xl/models/tiny-xl-inpaint', import.meta.url),
);

describe.skipIf(!TINY_XL_PRESENT)('model defaults read from the folder', () => {
  it('SDXL by its text_time UNet, sized by sample_size times the VAE downscale; the toy by its build', async () => {
    // tiny-xl: sample_size 32, a VAE of 4 blocks (8x): 256x256, as diffusers' default_sample_size gives.
    expect(readModelDefaults(TINY_XL)).toEqual({ family: 'sdxl', width: 256, height: 256 });
    expect(readModelDefaults(TINY_XL_INPAINT)).toMatchObject({ family: 'sdxl-inpaint' });
    const toy = path.join(await testModels(), 'toy');
    expect(readModelDefaults(toy)).toEqual({ family: 'toy', width: 512, height: 512, guidance: 1.5 });
  });

  it('imagine.json gives size, family, steps, guidance and sampler, and names a bad value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'model-defaults-'));
    const xl = path.join(dir, 'xl-turbo');
    cpSync(TINY_XL, xl, { recursive: true });
    writeFileSync(
      path.join(xl, 'imagine.json'),
      '{"size": "512x512", "family": "sdxl-turbo", "steps": 1, "guidance": 0, "sampler": "euler_a"}',
    );
    expect(readModelDefaults(xl)).toEqual({
      family: 'sdxl-turbo',
      width: 512,
      height: 512,
      steps: 1,
      guidance: 0,
      sampler: 'euler_a',
    });
    const bad = path.join(dir, 'bad');
    cpSync(TINY_XL, bad, { recursive: true });
    writeFileSync(path.join(bad, 'imagine.json'), '{"sampler": "euler-b", "size": "1020x1020"}');
    expect(() => readModelDefaults(bad)).toThrow('"size" must be WIDTHxHEIGHT in multiples of 8');
    writeFileSync(path.join(bad, 'imagine.json'), '{"sampler": "euler-b"}');
    expect(() => readModelDefaults(bad)).toThrow('"sampler" must be one of ddim, pndm, euler, euler_a');
    // Listing the folder leaves the broken one out and says why.
    const logged: string[] = [];
    const all = modelDefaultsIn(dir, ['xl-turbo', 'bad'], (line) => logged.push(line));
    expect(Object.keys(all)).toEqual(['xl-turbo']);
    expect(logged[0]).toContain('model bad:');
  });
});
