// `npm run render -- "a red circle on a blue sky" --seed 1 --steps 20 --out out.png`
// Renders in this process with the same flags as chat; prints the seed and timing of each picture.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_SEED, paramsSchema, parsePrompt, ValidationError } from '../core/index.ts';
import { ensureBuiltInModels } from '../models/built-in.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import { ModelFolderError } from '../renderer/model/model-folder-error.ts';
import { runPipeline } from '../renderer/pipelines/run-pipeline.ts';
import { loadConfig } from './config-file.ts';
import { parseRenderArgs } from './render-args.ts';

function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ValidationError([
      { field: what, value: file, problem: `cannot be read (${(err as NodeJS.ErrnoException).code})` },
    ]);
  }
}

function outputPath(out: string, index: number, count: number): string {
  if (count === 1) return out;
  const ext = path.extname(out) || '.png';
  return `${out.slice(0, out.length - path.extname(out).length)}-${index + 1}${ext}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const args = parseRenderArgs(process.argv.slice(2));
  const parsed = parsePrompt(args.promptText, { limits: config.limits, defaults: config.defaults });
  const params = paramsSchema(config.limits, config.defaults).parse({
    prompt: parsed.prompt,
    ...parsed.params,
  });
  const isInpaint = args.mask !== undefined;
  if (isInpaint && !args.image)
    throw new ValidationError([{ field: '--mask', problem: 'needs --image too' }]);
  await ensureBuiltInModels(config.modelsDir, (line) => console.error(line));
  const cache = new ModelCache(
    config.modelsDir,
    {
      providers: config.onnx.providers,
      threads: config.onnx.threads,
      graphOptimization: config.onnx.graphOptimization,
      log: (line) => console.error(line),
    },
    config.onnx.memoryBudgetMb * 1024 * 1024,
  );
  const seed = params.seed ?? Math.floor(Math.random() * (MAX_SEED + 1));
  const result = await runPipeline(cache, args.model ?? params.model, {
    prompt: params.prompt,
    negativePrompt: params.negativePrompt,
    width: params.width,
    height: params.height,
    steps: params.steps,
    guidance: params.guidance,
    sampler: params.sampler,
    seed,
    count: params.count,
    strength: params.strength ?? (isInpaint ? config.defaults.inpaintStrength : config.defaults.strength),
    image: args.image ? readInput(args.image, '--image') : undefined,
    mask: args.mask ? readInput(args.mask, '--mask') : undefined,
    maskOptions: { blur: args.maskBlur ?? params.mask.blur, invert: args.invertMask },
  });
  for (const w of result.warnings) console.error(`warning: ${w}`);
  result.images.forEach((image, i) => {
    const file = outputPath(args.out, i, result.images.length);
    writeFileSync(file, image.png);
    console.log(`seed ${image.seed} -> ${file}`);
  });
  const t = result.timings;
  console.log(
    `${result.pipeline} on ${result.model}, ${result.width}x${result.height}, ${params.steps} steps ${params.sampler}: ` +
      `${(t.totalMs / 1000).toFixed(2)} s (session.run ${(t.sessionRunMs / 1000).toFixed(2)} s in ${t.sessionRuns} calls)`,
  );
  await cache.close();
}

try {
  await main();
} catch (err) {
  if (err instanceof ValidationError || err instanceof ModelFolderError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
