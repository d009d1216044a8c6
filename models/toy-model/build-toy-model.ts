// Writes the toy model as a diffusers ONNX folder: model_index.json, scheduler/, tokenizer/,
// text_encoder/, unet/, vae_encoder/, vae_decoder/. Deterministic: the same bytes every build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alphasCumprod, betasFromConfig } from '../../renderer/schedulers/beta-schedule.ts';
import { ConfigReader } from '../../renderer/schedulers/config-reader.ts';
import { writeModel } from '../onnx-graph/write-model.ts';
import { allScenes, drawScene, SCENE_SIZE } from './scenes.ts';
import { SD15_SCHEDULER_CONFIG } from './sd15-config.ts';
import { textEncoderGraph } from './text-encoder-graph.ts';
import { BOS, buildTokenizerFiles, EOS } from './tokenizer-files.ts';
import { unetGraph } from './unet-graph.ts';
import { vaeDecoderGraph, vaeEncoderGraph } from './vae-graphs.ts';
import { encodeScaled, SCALING_FACTOR } from './vae-map.ts';
import { DEFAULT_VARIANT, type ModelVariant } from './variant.ts';
import { knownWords, MEANINGS, POSITIONS } from './vocabulary.ts';

/** Width of the token states; more than the meanings, as real encoders have room to spare. */
export const TOY_WIDTH = 64;
export const TOY_GAMMA = 80;
/** How much each content word leans towards the centre position. */
export const CENTRE_LEAN = 0.15;
export const TOY_LAMBDA = 50;

export interface ToyBuildOptions {
  inpaint?: boolean;
  variant?: Partial<ModelVariant>;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function buildToyModel(outDir: string, options: ToyBuildOptions = {}): void {
  const variant: ModelVariant = { ...DEFAULT_VARIANT, ...options.variant };
  const inpaint = options.inpaint ?? false;
  const words = knownWords();
  const tokenizer = buildTokenizerFiles([...words.keys()]);
  const meaningRow = new Map(MEANINGS.map((m, i) => [m, i]));
  const vocabSize = Object.keys(tokenizer.vocab).length;
  const table = new Float32Array(vocabSize * TOY_WIDTH);
  const centre = meaningRow.get('centre')!;
  for (const [word, id] of tokenizer.wordIds) {
    const meaning = words.get(word)!;
    table[id * TOY_WIDTH + meaningRow.get(meaning)!] = 1;
    // A subject without a position word goes in the middle, as people expect; a position word
    // (worth 1) still outweighs this lean of every other word.
    if (!(POSITIONS as readonly string[]).includes(meaning)) table[id * TOY_WIDTH + centre] = CENTRE_LEAN;
  }

  const scenes = allScenes();
  const latentSize = SCENE_SIZE / 8;
  const plane = 4 * latentSize * latentSize;
  const latents = new Float32Array(scenes.length * plane);
  const keys = new Float32Array(scenes.length * TOY_WIDTH);
  scenes.forEach((scene, k) => {
    latents.set(encodeScaled(drawScene(scene), SCENE_SIZE), k * plane);
    for (const meaning of [scene.background, scene.shape, scene.colour, scene.position]) {
      keys[k * TOY_WIDTH + meaningRow.get(meaning)!] = 1;
    }
  });
  const alphas = alphasCumprod(betasFromConfig(new ConfigReader('PNDMScheduler', SD15_SCHEDULER_CONFIG)));

  mkdirSync(outDir, { recursive: true });
  writeJson(path.join(outDir, 'model_index.json'), {
    _class_name: inpaint ? 'OnnxStableDiffusionInpaintPipeline' : 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.30.0',
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: ['onnxruntime', 'OnnxRuntimeModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['onnxruntime', 'OnnxRuntimeModel'],
    vae_decoder: ['onnxruntime', 'OnnxRuntimeModel'],
    vae_encoder: ['onnxruntime', 'OnnxRuntimeModel'],
  });
  writeJson(path.join(outDir, 'scheduler', 'scheduler_config.json'), SD15_SCHEDULER_CONFIG);
  writeJson(path.join(outDir, 'tokenizer', 'vocab.json'), tokenizer.vocab);
  writeFileSync(
    path.join(outDir, 'tokenizer', 'merges.txt'),
    `#version: 0.2\n${tokenizer.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`,
  );
  writeJson(path.join(outDir, 'tokenizer', 'tokenizer_config.json'), {
    bos_token: BOS,
    eos_token: EOS,
    pad_token: EOS,
    unk_token: EOS,
    model_max_length: 77,
    do_lower_case: true,
  });
  writeJson(path.join(outDir, 'tokenizer', 'special_tokens_map.json'), {
    bos_token: BOS,
    eos_token: EOS,
    pad_token: EOS,
    unk_token: EOS,
  });
  for (const part of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'])
    mkdirSync(path.join(outDir, part), { recursive: true });
  writeModel(
    textEncoderGraph(vocabSize, TOY_WIDTH, table, variant),
    path.join(outDir, 'text_encoder', 'model.onnx'),
  );
  writeModel(
    unetGraph(
      {
        latents,
        count: scenes.length,
        latentSize,
        keys,
        width: TOY_WIDTH,
        alphasCumprod: alphas,
        gamma: TOY_GAMMA,
        lambda: TOY_LAMBDA,
      },
      inpaint,
      variant,
    ),
    path.join(outDir, 'unet', 'model.onnx'),
    variant.externalWeights ? { externalOver: 1 << 16, externalFile: 'weights.pb' } : {},
  );
  writeJson(path.join(outDir, 'unet', 'config.json'), {
    in_channels: inpaint ? 9 : 4,
    out_channels: 4,
    sample_size: 64,
  });
  writeModel(vaeEncoderGraph(variant), path.join(outDir, 'vae_encoder', 'model.onnx'));
  writeModel(vaeDecoderGraph(variant), path.join(outDir, 'vae_decoder', 'model.onnx'));
  const vaeConfig = { scaling_factor: SCALING_FACTOR, latent_channels: 4, in_channels: 3, out_channels: 3 };
  writeJson(path.join(outDir, 'vae_encoder', 'config.json'), vaeConfig);
  writeJson(path.join(outDir, 'vae_decoder', 'config.json'), vaeConfig);
}
