// The model a request with LoRAs renders on: the patched copy of its folder, built once per
// (model, LoRA files, weights) and then loaded, kept and evicted by the model cache like any model.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../core/config/config.ts';
import type { ModelCache } from '../model/model-cache.ts';
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

/** The model name or folder to render on: the model itself without LoRAs. */
export async function modelWithLoras(
  cache: ModelCache,
  model: string,
  loras: readonly LoraRequest[] | undefined,
  options: { lorasDir?: string; settings?: SessionSettings } = {},
): Promise<string> {
  if (!loras || loras.length === 0) return model;
  const lorasDir = options.lorasDir ?? lorasDirFromEnv();
  const { dir } = cache.resolve(model);
  const patched = await patchedFolder({
    modelDir: dir,
    loras: loras.map((l) => ({ file: loraFile(l.name, lorasDir), weight: l.weight })),
    cacheDir: path.join(options.settings?.cacheDir ?? tmpdir(), 'lora-models'),
    log: options.settings?.log,
  });
  return patched.dir;
}
