// Which file the VAE encoder session opens: the folder's own, or, for an encoder that samples inside its
// graph, a copy edited once to output the posterior's mean and log-variance (kept beside the optimised
// models, keyed by the original's path, size and time, so later loads skip the edit).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionSettings } from '../onnx/session-options.ts';
import { exposeVaeMoments } from './vae-moments-graph.ts';

export interface EncoderFile {
  file: string;
  /** Said once, at load, when seeds cannot reproduce img2img with this encoder. */
  warning?: string;
}

/** Encoders already warned about: the warning is said once per process, not on every reload. */
const warned = new Set<string>();

export function vaeEncoderFile(original: string, settings: SessionSettings): EncoderFile {
  const st = statSync(original);
  const key = createHash('sha256')
    .update(`${path.resolve(original)}|${st.size}|${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 24);
  const dir = settings.cacheDir ?? path.join(tmpdir(), 'vae-moments');
  const edited = path.join(dir, `${key}-vae-moments.onnx`);
  if (existsSync(edited)) return { file: edited };
  const bytes = readFileSync(original);
  // Only a graph that mentions a random-normal op can sample; the others open as they are.
  if (!bytes.includes('RandomNormal')) return { file: original };
  const edit = exposeVaeMoments(bytes);
  if (edit.kind === 'unchanged') return { file: original };
  if (edit.kind === 'impossible') {
    if (warned.has(key)) return { file: original };
    warned.add(key);
    return {
      file: original,
      warning: `${original}: ${edit.reason}, so img2img and inpaint with this VAE encoder give another picture on every run for the same seed (export it with latent_parameters, as optimum does, to fix that)`,
    };
  }
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name first, so a reader never sees half a model.
  const partial = `${edited}.${process.pid}.partial`;
  writeFileSync(partial, edit.model);
  renameSync(partial, edited);
  return { file: edited };
}
