// A model folder with LoRAs merged into its UNet and text encoder and, optionally, another VAE in
// place of its own: written once per (model, LoRA files, weights, VAE) under a cache folder, then
// opened by the ordinary folder loader and kept in the model cache like any model.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { type LoraModule, loraModules } from './lora-keys.ts';
import { patchOnnxModel, type WeightedModule } from './patch-onnx.ts';
import { readSafeTensors } from './safetensors.ts';

export interface LoraChoice {
  /** Path of the .safetensors file. */
  file: string;
  weight: number;
}

export interface PatchedFolderRequest {
  modelDir: string;
  loras: readonly LoraChoice[];
  /** A VAE folder with vae_decoder/ (and vae_encoder/) and config.json. */
  vaeDir?: string;
  cacheDir: string;
  log?: (line: string) => void;
}

export interface PatchedFolder {
  dir: string;
  /** Modules that matched no node, per LoRA file (count and first names go to the log). */
  unmatched: { file: string; keys: string[] }[];
  /** Time spent merging, 0 when the folder was already built. */
  patchMs: number;
}

function stamp(file: string): string {
  const st = statSync(file);
  return `${path.resolve(file)}|${st.size}|${st.mtimeMs}`;
}

/** Hard links where the file system allows, copies elsewhere: the unchanged parts cost no space. */
function linkTree(from: string, to: string, skip: (rel: string) => boolean, rel = ''): void {
  mkdirSync(path.join(to, rel), { recursive: true });
  for (const entry of readdirSync(path.join(from, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    if (skip(child)) continue;
    if (entry.isDirectory()) linkTree(from, to, skip, child);
    else {
      try {
        linkSync(path.join(from, child), path.join(to, child));
      } catch {
        copyFileSync(path.join(from, child), path.join(to, child));
      }
    }
  }
}

export async function patchedFolder(req: PatchedFolderRequest): Promise<PatchedFolder> {
  const key = createHash('sha256')
    .update(
      [
        stamp(path.join(req.modelDir, 'unet', 'model.onnx')),
        ...req.loras.map((l) => `${stamp(l.file)}@${l.weight}`),
        req.vaeDir ? stamp(path.join(req.vaeDir, 'vae_decoder', 'model.onnx')) : 'own-vae',
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 20);
  const dir = path.join(req.cacheDir, key, path.basename(path.resolve(req.modelDir)));
  const summary = path.join(dir, 'patched.json');
  if (existsSync(summary)) {
    const saved = JSON.parse(readFileSync(summary, 'utf8')) as { unmatched: PatchedFolder['unmatched'] };
    return { dir, unmatched: saved.unmatched, patchMs: 0 };
  }
  const started = performance.now();
  const weighted: WeightedModule[] = [];
  const unmatched: PatchedFolder['unmatched'] = [];
  const owner = new Map<LoraModule, string>();
  for (const lora of req.loras) {
    const { modules, unknown } = loraModules(await readSafeTensors(lora.file));
    for (const module of modules) {
      weighted.push({ module, weight: lora.weight });
      owner.set(module, lora.file);
    }
    unmatched.push({ file: lora.file, keys: [...unknown] });
  }
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const replaced = new Set<string>();
  const parts = ['unet', 'text_encoder'] as const;
  if (req.loras.length > 0) for (const part of parts) replaced.add(path.join(part, 'model.onnx'));
  const vaeParts = req.vaeDir ? ['vae_decoder', 'vae_encoder', 'vae'] : [];
  linkTree(req.modelDir, building, (rel) => replaced.has(rel) || vaeParts.some((p) => rel === p));
  if (req.loras.length > 0) {
    for (const part of parts) {
      const file = path.join(req.modelDir, part, 'model.onnx');
      const result = patchOnnxModel(readFileSync(file), part, weighted, file);
      writeFileSync(path.join(building, part, 'model.onnx'), result.model);
      for (const missed of result.unmatched) {
        const m = weighted.find((w) => w.module.key === missed);
        const entry = unmatched.find((u) => u.file === (m ? owner.get(m.module) : undefined));
        entry?.keys.push(missed);
      }
    }
  }
  if (req.vaeDir) {
    for (const part of ['vae_decoder', 'vae_encoder']) {
      if (existsSync(path.join(req.vaeDir, part))) linkTree(req.vaeDir, building, () => false, part);
    }
    // The replacement's own scaling factor: the folder loader reads it from vae_decoder/config.json.
    const config = path.join(req.vaeDir, 'config.json');
    if (existsSync(config)) {
      for (const part of ['vae_decoder', 'vae_encoder']) {
        const target = path.join(building, part);
        if (existsSync(target) && !existsSync(path.join(req.vaeDir, part, 'config.json')))
          copyFileSync(config, path.join(target, 'config.json'));
      }
    }
  }
  const patchMs = performance.now() - started;
  writeFileSync(
    path.join(building, 'patched.json'),
    JSON.stringify({ loras: req.loras, vae: req.vaeDir, unmatched }),
  );
  mkdirSync(path.dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  for (const u of unmatched) {
    if (u.keys.length > 0)
      req.log?.(
        `lora ${path.basename(u.file)}: ${u.keys.length} keys match nothing in the model (${u.keys.slice(0, 3).join(', ')}${u.keys.length > 3 ? ', ...' : ''})`,
      );
  }
  if (req.loras.length > 0)
    req.log?.(
      `lora: merged ${req.loras.map((l) => `${path.basename(l.file)}:${l.weight}`).join(', ')} in ${patchMs.toFixed(0)} ms`,
    );
  return { dir, unmatched, patchMs };
}
