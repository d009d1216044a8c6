// Optional per-model settings in `imagine.json` beside `model_index.json`:
//   { "inpaintModel": "sd15-inpainting", "guidance": false, "batch": false }
// `inpaintModel` names the folder inpaint jobs use instead of `<name>-inpaint`; `guidance: false`
// marks a distilled model (LCM, Turbo) that runs without the guidance batch; `vae` names the replacement
// VAE (in VAES_DIR, or a folder path relative to the model) used when a job names none; `batch: false`
// keeps the model's renders out of batches across jobs (for a model where they do not pay).
// Defaults a job takes when its request gives none (the model's over the server's): "size" ("1024x1024",
// over the natural size read from the UNet and VAE configs), "steps", "sampler", and "guidance" as a
// number (the CFG scale; at <= 1 there is no guidance batch); "family" names the family /v1/models shows.
//   SDXL-Turbo: { "steps": 1, "guidance": 0, "sampler": "euler_a" }
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLERS, type Sampler } from '../../core/job/limits.ts';
import { ModelFolderError } from './model-folder-error.ts';

export interface ModelSettings {
  inpaintModel?: string;
  /** false: no guidance batch ever (distilled); a number: the default CFG scale. */
  guidance?: boolean | number;
  vae?: string;
  family?: string;
  size?: { width: number; height: number };
  steps?: number;
  sampler?: Sampler;
  batch?: boolean;
}

export function readModelSettings(dir: string): ModelSettings {
  const file = path.join(dir, 'imagine.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ModelFolderError(
      file,
      'is not valid JSON; expected {"inpaintModel": "...", "guidance": true|false}',
    );
  }
  const v = value as Record<string, unknown>;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelFolderError(file, 'must be a JSON object');
  }
  if (v.inpaintModel !== undefined && typeof v.inpaintModel !== 'string') {
    throw new ModelFolderError(file, '"inpaintModel" must be the name of a model folder');
  }
  const guidanceOk =
    typeof v.guidance === 'boolean' ||
    (typeof v.guidance === 'number' && Number.isFinite(v.guidance) && v.guidance >= 0);
  if (v.guidance !== undefined && !guidanceOk) {
    throw new ModelFolderError(
      file,
      '"guidance" must be true or false (the guidance batch), or the default CFG scale (a number >= 0)',
    );
  }
  if (v.batch !== undefined && typeof v.batch !== 'boolean') {
    throw new ModelFolderError(file, '"batch" must be true or false');
  }
  if (v.vae !== undefined && (typeof v.vae !== 'string' || v.vae === '')) {
    throw new ModelFolderError(file, '"vae" must name a VAE folder (in VAES_DIR, or a path)');
  }
  return {
    inpaintModel: v.inpaintModel as string | undefined,
    guidance: v.guidance as boolean | number | undefined,
    ...(v.vae !== undefined ? { vae: v.vae as string } : {}),
    ...(v.batch !== undefined ? { batch: v.batch as boolean } : {}),
    ...readDefaultKeys(file, v),
  };
}

/** The job defaults of imagine.json, each checked, naming the key and what it takes. */
function readDefaultKeys(file: string, v: Record<string, unknown>): ModelSettings {
  const out: ModelSettings = {};
  if (v.family !== undefined) {
    if (typeof v.family !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,31}$/.test(v.family))
      throw new ModelFolderError(file, '"family" must be a short lower-case name, e.g. "sdxl"');
    out.family = v.family;
  }
  if (v.size !== undefined) {
    const m = typeof v.size === 'string' ? /^(\d{2,5})x(\d{2,5})$/.exec(v.size) : null;
    const width = Number(m?.[1]);
    const height = Number(m?.[2]);
    if (!m || width % 8 !== 0 || height % 8 !== 0)
      throw new ModelFolderError(file, '"size" must be WIDTHxHEIGHT in multiples of 8, e.g. "1024x1024"');
    out.size = { width, height };
  }
  if (v.steps !== undefined) {
    if (typeof v.steps !== 'number' || !Number.isInteger(v.steps) || v.steps < 1)
      throw new ModelFolderError(file, '"steps" must be a whole number of at least 1, e.g. 4');
    out.steps = v.steps;
  }
  if (v.sampler !== undefined) {
    if (typeof v.sampler !== 'string' || !(SAMPLERS as readonly string[]).includes(v.sampler))
      throw new ModelFolderError(file, `"sampler" must be one of ${SAMPLERS.join(', ')}`);
    out.sampler = v.sampler as Sampler;
  }
  return out;
}

/** Distilled pipelines that run without classifier-free guidance. */
export function usesGuidance(modelIndex: Record<string, unknown>, settings: ModelSettings): boolean {
  if (typeof settings.guidance === 'boolean') return settings.guidance;
  return !String(modelIndex._class_name ?? '').includes('LatentConsistency');
}
