// The model a request with LoRAs renders on: the patched copy of its folder, built once per
// (model, LoRA files, weights) and then loaded, kept and evicted by the model cache like any model.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';
import { isLoraPath } from '../../core/flags/lora-spec.ts';
import { didYouMean } from '../../core/text/closest.ts';
import type { ModelCache } from '../model/model-cache.ts';
import { readModelSettings } from '../model/model-settings.ts';
import type { SessionSettings } from '../onnx/session-options.ts';
import { loraFile } from './lora-folder.ts';
import { patchedFolder } from './patched-folder.ts';

export interface LoraRequest {
  name: string;
  weight: number;
}

/** LORAS_DIR as the service reads it (default under DATA_DIR); render threads share the environment. */
export function lorasDirFromEnv(): string {
  return parseConfig(process.env).lorasDir;
}

/** A VAE folder by name in VAES_DIR (a path as given: the CLI only). */
export function vaeFolder(nameOrPath: string, vaesDir: string): string {
  const dir = isLoraPath(nameOrPath) ? nameOrPath : path.join(vaesDir, nameOrPath);
  if (!existsSync(path.join(dir, 'vae_decoder', 'model.onnx'))) {
    const names = existsSync(vaesDir)
      ? readdirSync(vaesDir).filter((n) => existsSync(path.join(vaesDir, n, 'vae_decoder', 'model.onnx')))
      : [];
    throw new ValidationError([
      {
        field: 'vae',
        value: nameOrPath,
        problem: isLoraPath(nameOrPath)
          ? 'is not a VAE folder (expected vae_decoder/model.onnx inside)'
          : `is not in the VAE folder${didYouMean(nameOrPath, names)}; available: ${names.sort().join(', ') || 'none'}`,
      },
    ]);
  }
  return dir;
}

/**
 * The model name or folder to render on (the model itself without LoRAs or another VAE), and what
 * the user should be told: LoRA keys that match nothing in the model are not silently dropped.
 */
export async function modelWithLoras(
  cache: ModelCache,
  model: string,
  loras: readonly LoraRequest[] | undefined,
  vae?: string,
  options: { lorasDir?: string; vaesDir?: string; settings?: SessionSettings } = {},
): Promise<{ model: string; warnings: string[] }> {
  const { dir } = cache.resolve(model);
  // The model's own default VAE (imagine.json), when the job names none; its path is relative to the model.
  const ownVae = vae ? undefined : readModelSettings(dir).vae;
  const chosenVae = vae ?? (ownVae && isLoraPath(ownVae) ? path.resolve(dir, ownVae) : ownVae);
  if ((!loras || loras.length === 0) && !chosenVae) return { model, warnings: [] };
  const config = parseConfig(process.env);
  const settings = options.settings ?? cache.settings;
  const lorasDir = options.lorasDir ?? config.lorasDir;
  const patched = await patchedFolder({
    modelDir: dir,
    loras: (loras ?? []).map((l) => ({ file: loraFile(l.name, lorasDir), weight: l.weight })),
    vaeDir: chosenVae ? vaeFolder(chosenVae, options.vaesDir ?? config.vaesDir) : undefined,
    cacheDir: path.join(settings.cacheDir ?? tmpdir(), 'lora-models'),
    log: settings.log,
  });
  const warnings = patched.unmatched
    .filter((u) => u.keys.length > 0)
    .map(
      (u) =>
        `LoRA ${path.basename(u.file)}: ${u.keys.length} of its modules match nothing in ${model} (${u.keys.slice(0, 3).join(', ')}${u.keys.length > 3 ? ', ...' : ''}); is it made for this kind of model?`,
    );
  return { model: patched.dir, warnings };
}
