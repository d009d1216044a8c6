// The bench model folder: the toy model's tokenizer, text encoder and VAE with the bench UNet, and
// SD 1.5's schedule and default guidance (not the toy's, which suit only the toy's posterior).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeModel } from '../onnx-graph/write-model.ts';
import { buildToyModel, TOY_WIDTH } from '../toy-model/build-toy-model.ts';
import { SD15_SCHEDULER_CONFIG } from '../toy-model/scheduler-config.ts';
import { benchUnetGraph } from './bench-unet-graph.ts';

export function buildBenchModel(outDir: string): void {
  buildToyModel(outDir);
  rmSync(path.join(outDir, 'imagine.json'));
  writeFileSync(
    path.join(outDir, 'scheduler', 'scheduler_config.json'),
    `${JSON.stringify(SD15_SCHEDULER_CONFIG, null, 2)}\n`,
  );
  rmSync(path.join(outDir, 'unet'), { recursive: true, force: true });
  mkdirSync(path.join(outDir, 'unet'), { recursive: true });
  writeModel(benchUnetGraph(TOY_WIDTH), path.join(outDir, 'unet', 'model.onnx'));
  writeFileSync(
    path.join(outDir, 'unet', 'config.json'),
    `${JSON.stringify({ in_channels: 4, out_channels: 4 })}\n`,
  );
}
