// Writes the toy model as a diffusers ONNX folder: model_index.json, scheduler/, tokenizer/,
// text_encoder/, unet/, vae_encoder/, vae_decoder/. Deterministic: the same bytes every build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betasFromConfig, ConfigReader } from '../../renderer/schedulers/config-reader.ts';
import { alphasCumprod } from '../../renderer/schedulers/noise-schedule.ts';
import { writeModel } from '../onnx-graph/write-model.ts';
import { BACKGROUND_SIZE, backgroundLatents, colourLatents, DARK_RGB } from './palette.ts';
import { CODE_SIZE, INPAINT_LAMBDA, REFERENCE_LATENT } from './prior.ts';
import { basePrior, promptTable } from './prompt-prior.ts';
import { TOY_SCHEDULER_CONFIG, TOY_SETTINGS } from './scheduler-config.ts';
import { textEncoderGraph } from './text-encoder-graph.ts';
import { BOS, buildTokenizerFiles, EOS } from './tokenizer-files.ts';
import { unetGraph } from './unet-graph.ts';
import { vaeDecoderGraph, vaeEncoderGraph } from './vae-graphs.ts';
import { decoderNullDirection, encodeScaledColour, SCALING_FACTOR } from './vae-map.ts';
import { DEFAULT_VARIANT, type ModelVariant } from './variant.ts';
import { FEATURE, featureColumn, knownWords, SEPARATOR_MARKS } from './vocabulary.ts';

/** The bench model takes token states of the toy model's width. */
export { TOY_WIDTH } from './token-states.ts';

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
  const vocabSize = Object.keys(tokenizer.vocab).length;
  // What each token says: its meaning's column, or the separator column for clause marks.
  const features = new Float32Array(vocabSize * FEATURE.count);
  for (const [word, id] of tokenizer.wordIds)
    features[id * FEATURE.count + featureColumn(words.get(word)!)] = 1;
  for (const mark of SEPARATOR_MARKS) {
    const id = tokenizer.vocab[`${mark}</w>`];
    if (id === undefined) throw new Error(`toy tokenizer: no token for "${mark}"`);
    features[id * FEATURE.count + FEATURE.separator] = 1;
  }
  const alphas = alphasCumprod(betasFromConfig(new ConfigReader('PNDMScheduler', TOY_SCHEDULER_CONFIG)));

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
  writeJson(path.join(outDir, 'scheduler', 'scheduler_config.json'), TOY_SCHEDULER_CONFIG);
  writeJson(path.join(outDir, 'imagine.json'), TOY_SETTINGS);
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
  writeModel(textEncoderGraph(vocabSize, features, variant), path.join(outDir, 'text_encoder', 'model.onnx'));
  writeModel(
    unetGraph(
      {
        backgrounds: backgroundLatents(),
        backgroundSize: BACKGROUND_SIZE / 8,
        backgroundCodeSize: CODE_SIZE.background,
        hidden: decoderNullDirection(),
        colourCodeSize: CODE_SIZE.colour,
        codeSpread: CODE_SIZE.spread,
        colours: colourLatents(),
        dark: encodeScaledColour(DARK_RGB),
        alphasCumprod: alphas,
        promptTable: promptTable(),
        basePrior: basePrior(),
        referenceLatent: REFERENCE_LATENT,
        lambda: INPAINT_LAMBDA,
      },
      inpaint,
      variant,
    ),
    path.join(outDir, 'unet', 'model.onnx'),
    variant.externalWeights ? { externalOver: 1 << 14, externalFile: 'weights.pb' } : {},
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
