// Optional per-model settings in `imagine.json` beside `model_index.json`:
//   { "inpaintModel": "sd15-inpainting", "guidance": false, "batch": false }
// `inpaintModel` names the folder inpaint jobs use instead of `<name>-inpaint`; `guidance: false`
// marks a distilled model (LCM, Turbo) that runs without the guidance batch; `vae` names the replacement
// VAE (in VAES_DIR, or a folder path relative to the model) used when a job names none; `batch: false`
// keeps the model's renders out of batches across jobs (for a model where they do not pay).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelFolderError } from './model-folder-error.ts';

export interface ModelSettings {
  inpaintModel?: string;
  guidance?: boolean;
  vae?: string;
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
  if (v.guidance !== undefined && typeof v.guidance !== 'boolean') {
    throw new ModelFolderError(file, '"guidance" must be true or false');
  }
  if (v.batch !== undefined && typeof v.batch !== 'boolean') {
    throw new ModelFolderError(file, '"batch" must be true or false');
  }
  if (v.vae !== undefined && (typeof v.vae !== 'string' || v.vae === '')) {
    throw new ModelFolderError(file, '"vae" must name a VAE folder (in VAES_DIR, or a path)');
  }
  return {
    inpaintModel: v.inpaintModel as string | undefined,
    guidance: v.guidance as boolean | undefined,
    ...(v.vae !== undefined ? { vae: v.vae as string } : {}),
    ...(v.batch !== undefined ? { batch: v.batch as boolean } : {}),
  };
}

/** Distilled pipelines that run without classifier-free guidance. */
export function usesGuidance(modelIndex: Record<string, unknown>, settings: ModelSettings): boolean {
  if (settings.guidance !== undefined) return settings.guidance;
  return !String(modelIndex._class_name ?? '').includes('LatentConsistency');
}
