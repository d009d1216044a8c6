// What a model folder says about itself before any session is opened: its family and natural size
// (the UNet's sample_size times the VAE's downscale), and the defaults its imagine.json gives. Small
// JSON reads only, so a renderer can tell the queue about every installed model at each heartbeat.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelDefaults } from '../../core/job/model-defaults.ts';
import { readModelSettings } from './model-settings.ts';

function readJsonIn(dir: string, ...parts: string[]): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path.join(dir, ...parts), 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The VAE's downscale: one halving per down block after the first (8 for every SD VAE). */
function vaeScaleFactor(dir: string): number {
  for (const part of ['vae_decoder', 'vae', 'vae_encoder']) {
    const blocks = readJsonIn(dir, part, 'config.json')?.block_out_channels;
    if (Array.isArray(blocks) && blocks.length > 0) return 2 ** (blocks.length - 1);
  }
  return 8;
}

/** sample_size is a latent side (or [height, width]); without it, the family's usual size. */
function naturalSize(
  dir: string,
  unet: Record<string, unknown> | undefined,
  xl: boolean,
): { width: number; height: number } {
  const sample = unet?.sample_size;
  const scale = vaeScaleFactor(dir);
  if (typeof sample === 'number' && sample > 0) return { width: sample * scale, height: sample * scale };
  if (Array.isArray(sample) && typeof sample[0] === 'number' && typeof sample[1] === 'number')
    return { width: sample[1] * scale, height: sample[0] * scale };
  const side = xl ? 1024 : 512;
  return { width: side, height: side };
}

/** sdxl (a text_time UNet), sd2 (linear projections, 1024-wide text), sd15; built-in models by name. */
function familyOf(
  dir: string,
  index: Record<string, unknown> | undefined,
  unet: Record<string, unknown> | undefined,
) {
  const className = String(index?._class_name ?? '');
  const xl = unet?.addition_embed_type === 'text_time' || className.includes('XL');
  const inpaint = unet?.in_channels === 9 || className.includes('Inpaint');
  const builtIn = readJsonIn(dir, 'build.json')?.name;
  let base: string;
  if (xl) base = 'sdxl';
  else if (unet?.cross_attention_dim === 1024 || unet?.use_linear_projection === true) base = 'sd2';
  else if (typeof builtIn === 'string' && unet?.cross_attention_dim === undefined)
    return { family: builtIn, xl };
  else base = 'sd15';
  return { family: inpaint ? `${base}-inpaint` : base, xl };
}

/** The folder's family, natural size and imagine.json defaults; throws ModelFolderError on a bad imagine.json. */
export function readModelDefaults(dir: string): ModelDefaults {
  const index = readJsonIn(dir, 'model_index.json');
  const unet = readJsonIn(dir, 'unet', 'config.json');
  const settings = readModelSettings(dir);
  const { family, xl } = familyOf(dir, index, unet);
  const size = settings.size ?? naturalSize(dir, unet, xl);
  return {
    family: settings.family ?? family,
    width: size.width,
    height: size.height,
    ...(settings.steps !== undefined ? { steps: settings.steps } : {}),
    ...(typeof settings.guidance === 'number' ? { guidance: settings.guidance } : {}),
    ...(settings.sampler !== undefined ? { sampler: settings.sampler } : {}),
  };
}

/**
 * The defaults of each named model in `modelsDir`; a folder whose imagine.json is broken is left out
 * (its render says what is wrong) and told through `log`.
 */
export function modelDefaultsIn(
  modelsDir: string,
  names: readonly string[],
  log?: (line: string) => void,
): Record<string, ModelDefaults> {
  const out: Record<string, ModelDefaults> = {};
  for (const name of names) {
    const dir = path.join(modelsDir, name);
    if (!existsSync(path.join(dir, 'model_index.json'))) continue;
    try {
      out[name] = readModelDefaults(dir);
    } catch (err) {
      log?.(`warning: model ${name}: ${(err as Error).message}`);
    }
  }
  return out;
}
