// Opens a diffusers-format ONNX model folder (model_index.json, scheduler/, tokenizer/, text_encoder/,
// unet/, vae_encoder/, vae_decoder/), checking each part and naming the file that does not fit.
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSession } from '../onnx/create-session.ts';
import type { SessionSettings } from '../onnx/session-options.ts';
import { type RunClock, TimedSession } from '../onnx/timed-session.ts';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import type { LoadedModel } from './loaded-model.ts';
import { ModelFolderError } from './model-folder-error.ts';
import { readModelSettings, usesGuidance } from './model-settings.ts';
import { loadSdxlParts } from './sdxl-parts.ts';
import { TextEncoder } from './text-encoder.ts';
import { Unet } from './unet.ts';
import { VaeDecoder, VaeEncoder } from './vae.ts';
import { vaeEncoderFile } from './vae-encoder-file.ts';
import { vaeFloat32File } from './vae-float32-file.ts';

const DEFAULT_SCALING_FACTOR = 0.18215;

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ModelFolderError(file, `is missing; expected ${what}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ModelFolderError(file, `is not a JSON object; expected ${what}`);
}

async function readOptionalJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    statSync(file);
  } catch {
    return undefined;
  }
  return readJson(file, 'a JSON object');
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function modelFile(dir: string, part: string): string | undefined {
  const file = path.join(dir, part, 'model.onnx');
  try {
    statSync(file);
    return file;
  } catch {
    return undefined;
  }
}

async function scalingFactorOf(dir: string): Promise<number> {
  for (const part of ['vae_decoder', 'vae', 'vae_encoder']) {
    const config = await readOptionalJson(path.join(dir, part, 'config.json'));
    const value = config?.scaling_factor;
    if (typeof value === 'number' && value > 0) return value;
  }
  return DEFAULT_SCALING_FACTOR;
}

export async function loadModelFolder(
  dir: string,
  settings: SessionSettings,
  name?: string,
): Promise<LoadedModel> {
  const index = await readJson(
    path.join(dir, 'model_index.json'),
    'the model index of a diffusers model folder',
  );
  const schedulerConfig = await readJson(
    path.join(dir, 'scheduler', 'scheduler_config.json'),
    "the scheduler's config (scheduler_config.json)",
  );
  const tokenizerDir = path.join(dir, 'tokenizer');
  try {
    statSync(path.join(tokenizerDir, 'vocab.json'));
  } catch {
    throw new ModelFolderError(
      path.join(tokenizerDir, 'vocab.json'),
      'is missing; expected the CLIP tokenizer vocabulary',
    );
  }
  const tokenizer = await ClipTokenizer.fromFolder(tokenizerDir);
  const required = (part: string) => {
    const file = modelFile(dir, part);
    if (!file)
      throw new ModelFolderError(
        path.join(dir, part, 'model.onnx'),
        `is missing; expected the ${part} ONNX model`,
      );
    return file;
  };
  const textEncoderFile = required('text_encoder');
  const unetFile = required('unet');
  const decoderFile = required('vae_decoder');
  const encoderFile = modelFile(dir, 'vae_encoder');

  const clock: RunClock = { runMs: 0, runs: 0 };
  const sessions: TimedSession[] = [];
  const open = async (file: string) => {
    const { session, provider } = await createSession(file, settings);
    const timed = new TimedSession(session, provider, file, clock);
    sessions.push(timed);
    return timed;
  };
  try {
    const scalingFactor = await scalingFactorOf(dir);
    const unetConfig = await readOptionalJson(path.join(dir, 'unet', 'config.json'));
    const textEncoderSession = await open(textEncoderFile);
    const textEncoder = new TextEncoder(textEncoderSession);
    const unet = new Unet(
      await open(unetFile),
      typeof unetConfig?.in_channels === 'number' ? unetConfig.in_channels : undefined,
    );
    if (unet.inChannels !== 4 && unet.inChannels !== 9) {
      throw new ModelFolderError(
        unetFile,
        `has ${unet.inChannels} input channels; expected 4 (base) or 9 (inpaint)`,
      );
    }
    const sdxl = unet.takesSdxlConditioning
      ? await loadSdxlParts(dir, index, textEncoderSession, open)
      : undefined;
    const vaeDecoder = new VaeDecoder(await open(decoderFile), scalingFactor, async () => {
      settings.log?.(`warning: ${decoderFile} overflows in float16; decoding in float32 from now on`);
      return open(vaeFloat32File(decoderFile, settings));
    });
    // An encoder that samples inside its graph is opened as a copy that outputs mean and log-variance.
    const encoder = encoderFile ? vaeEncoderFile(encoderFile, settings) : undefined;
    if (encoder?.warning) settings.log?.(`warning: ${encoder.warning}`);
    const vaeEncoder = encoder ? new VaeEncoder(await open(encoder.file), scalingFactor) : undefined;
    settings.log?.(
      `model ${name ?? path.basename(dir)}: ${String(index._class_name ?? 'diffusers')} on ${sessions[0].provider}`,
    );
    return {
      name: name ?? path.basename(dir),
      dir,
      tokenizer,
      textEncoder,
      unet,
      vaeEncoder,
      vaeDecoder,
      ...(sdxl ? { sdxl } : {}),
      schedulerConfig,
      scalingFactor,
      isInpaint: unet.inChannels === 9,
      usesGuidance: usesGuidance(index, readModelSettings(dir)),
      bytes: folderBytes(dir),
      clock,
      sessions,
      release: async () => {
        await Promise.all(sessions.map((s) => s.release()));
      },
    };
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release()));
    if (err instanceof ModelFolderError) throw err;
    throw new ModelFolderError(dir, `could not be opened: ${(err as Error).message.split('\n')[0]}`);
  }
}
