// The toy-video model folder: the toy model with its UNet replaced by the 5-D video UNet of
// unet-video-graph.ts (the toy UNet grafted inside) and a text encoder that also marks the motion
// words, so true video diffusion is tested end to end.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betasFromConfig, ConfigReader } from '../../renderer/schedulers/config-reader.ts';
import { alphasCumprod } from '../../renderer/schedulers/noise-schedule.ts';
import { writeModel } from '../onnx-graph/write-model.ts';
import { buildToyModel } from '../toy-model/build-toy-model.ts';
import { TOY_SCHEDULER_CONFIG } from '../toy-model/scheduler-config.ts';
import { extendTokenizer } from './extend-tokenizer.ts';
import { MOTION_WORDS } from './motion-words.ts';
import { textEncoderVideoGraph } from './text-encoder-video-graph.ts';
import { unetVideoGraph, VIDEO_FRAMES } from './unet-video-graph.ts';

export function buildToyVideoModel(outDir: string): void {
  buildToyModel(outDir);
  const tokenizerDir = path.join(outDir, 'tokenizer');
  const toyVocab = JSON.parse(readFileSync(path.join(tokenizerDir, 'vocab.json'), 'utf8')) as Record<
    string,
    number
  >;
  const toyVocabSize = Math.max(...Object.values(toyVocab)) + 1;
  const motionIds = extendTokenizer(tokenizerDir, Object.keys(MOTION_WORDS));
  const encoderFile = path.join(outDir, 'text_encoder', 'model.onnx');
  const encoder = textEncoderVideoGraph(encoderFile, toyVocabSize, toyVocab['<|endoftext|>'], motionIds);
  rmSync(encoderFile);
  writeModel(encoder, encoderFile);
  const unetFile = path.join(outDir, 'unet', 'model.onnx');
  const alphas = alphasCumprod(betasFromConfig(new ConfigReader('PNDMScheduler', TOY_SCHEDULER_CONFIG)));
  const video = unetVideoGraph(unetFile, alphas);
  rmSync(unetFile);
  writeModel(video, unetFile);
  writeFileSync(
    path.join(outDir, 'unet', 'config.json'),
    `${JSON.stringify({ in_channels: 4, out_channels: 4, sample_size: 64, num_frames: VIDEO_FRAMES }, null, 2)}\n`,
  );
}
