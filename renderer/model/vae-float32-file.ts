// A float32 copy of a float16 VAE decoder, written once beside the optimised models (keyed by the
// original's path, size and time), for the decodes the float16 one cannot do.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionSettings } from '../onnx/session-options.ts';
import { toFloat32Graph } from './float32-graph.ts';

export function vaeFloat32File(original: string, settings: SessionSettings): string {
  const st = statSync(original);
  const key = createHash('sha256')
    .update(`${path.resolve(original)}|${st.size}|${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 24);
  const dir = settings.cacheDir ?? path.join(tmpdir(), 'vae-float32');
  const copy = path.join(dir, `${key}-vae-float32.onnx`);
  if (existsSync(copy)) return copy;
  const widened = toFloat32Graph(readFileSync(original));
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name first, so a reader never sees half a model.
  const partial = `${copy}.${process.pid}.partial`;
  writeFileSync(partial, widened);
  renameSync(partial, copy);
  return copy;
}
