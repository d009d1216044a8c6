// A models folder for the per-model defaults tests: the toy (SD 1.5-sized, 512x512), the tiny SDXL
// model of ../shared/fidelity-xl (its UNet's sample_size 32 times the VAE's 8: 256x256), and
// `toy-turbo`, the toy set up as a distilled model is: trailing timesteps and an imagine.json giving
// 1 step, CFG 0 and euler_a. Copies, so nothing writes into the shared folders.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testModels } from './built-in-models.ts';

export const TINY_XL = fileURLToPath(new URL('../../../shared/fidelity-xl/models/tiny-xl', import.meta.url));
/** Without ../shared (a clone on its own), the tests that need its SDXL model skip, as the fidelity suites do. */
export const TINY_XL_PRESENT = existsSync(TINY_XL);

/** What toy-turbo's imagine.json says. */
export const TURBO_SETTINGS = { steps: 1, guidance: 0, sampler: 'euler_a' } as const;

export async function defaultsModels(): Promise<string> {
  const builtIn = await testModels();
  const dir = mkdtempSync(path.join(tmpdir(), 'defaults-models-'));
  cpSync(path.join(builtIn, 'toy'), path.join(dir, 'toy'), { recursive: true });
  cpSync(TINY_XL, path.join(dir, 'tiny-xl'), { recursive: true });
  const turbo = path.join(dir, 'toy-turbo');
  cpSync(path.join(builtIn, 'toy'), turbo, { recursive: true });
  const schedulerFile = path.join(turbo, 'scheduler', 'scheduler_config.json');
  const scheduler = JSON.parse(readFileSync(schedulerFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    schedulerFile,
    JSON.stringify({
      ...scheduler,
      _class_name: 'EulerAncestralDiscreteScheduler',
      timestep_spacing: 'trailing',
    }),
  );
  writeFileSync(path.join(turbo, 'imagine.json'), JSON.stringify(TURBO_SETTINGS));
  return dir;
}
