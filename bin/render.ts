// `npm run render -- "a red circle on a blue sky" --seed 1 --steps 20 --out out.png`
// Renders in this process with the same flags as chat; prints the seed and timing of each picture.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ANIMATE_STRENGTH,
  type Config,
  defaultedParams,
  type FieldProblem,
  MAX_SEED,
  type ParsedPrompt,
  paramsSchema,
  parsePrompt,
  unusedParamWarnings,
  ValidationError,
  withModelDefaults,
} from '../core/index.ts';
import { problemsFromZod } from '../core/job/zod-problems.ts';
import { ModelCache } from '../renderer/model/model-cache.ts';
import { readModelDefaults } from '../renderer/model/model-defaults-file.ts';
import { ModelFolderError } from '../renderer/model/model-folder-error.ts';
import { runPipeline } from '../renderer/pipelines/run-pipeline.ts';
import { pictureRequest, promptFields } from './cli-render-request.ts';
import { loadConfig } from './config-file.ts';
import { CLI_FLAGS, parseRenderArgs, RENDER_USAGE, type RenderArgs } from './render-args.ts';
import { renderVideo, videoFlagHint, videoFormatOf, videoOptionProblems } from './render-video.ts';

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

/** For the operator running the CLI: where a limit that was hit is configured. */
function withSetting(p: FieldProblem): FieldProblem {
  const isText = p.field === 'prompt' || p.field === '--no';
  return isText && p.problem.includes('at most')
    ? { ...p, problem: `${p.problem} (the limit is set by LIMIT_MAX_PROMPT_CHARS)` }
    : p;
}

/** The params of the CLI's prompt and flags, or every problem found in them and in its own options. */
function readParams(args: RenderArgs, argProblems: FieldProblem[], config: Config) {
  const problems = [...argProblems];
  if (videoFormatOf(args.out)) problems.push(...videoOptionProblems(args.mask, undefined));
  let parsed: ParsedPrompt | undefined;
  try {
    parsed = parsePrompt(args.promptText, {
      limits: config.limits,
      defaults: config.defaults,
      extraFlags: CLI_FLAGS,
      video: videoFormatOf(args.out) !== undefined,
      loraPaths: true,
    });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
  }
  const checked = parsed
    ? paramsSchema(config.limits, config.defaults).safeParse(
        // A --lora path is the CLI's own; parsePrompt has checked every --lora already.
        { prompt: parsed.prompt, ...parsed.params, loras: undefined, vae: undefined },
        { reportInput: true },
      )
    : undefined;
  if (checked && !checked.success) problems.push(...problemsFromZod(checked.error));
  if (parsed && videoFormatOf(args.out))
    problems.push(...videoOptionProblems(undefined, parsed.params.count));
  if (problems.length > 0 || !parsed || !checked?.success) {
    throw new ValidationError(problems.map(withSetting).map(videoFlagHint), 'cannot render');
  }
  return {
    params: { ...checked.data, loras: parsed.params.loras, vae: parsed.params.vae },
    given: parsed.params,
  };
}

async function main(): Promise<void> {
  const { args, problems } = parseRenderArgs(process.argv.slice(2));
  if (args.help) {
    console.log(RENDER_USAGE);
    return;
  }
  const config = loadConfig();
  const read = readParams(args, problems, config);
  const isInpaint = args.mask !== undefined;
  const kind = isInpaint ? 'inpaint' : args.image ? 'remix' : 'imagine';
  const image = args.image ? readInput(args.image, '--image') : undefined;
  const mask = args.mask ? readInput(args.mask, '--mask') : undefined;
  // Loaded only once the request reads: --help and refusals need no model code.
  const { ensureBuiltInModels } = await import('../models/built-in.ts');
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
  // The model's natural size and imagine.json defaults take the params the prompt left out.
  const { params } = withModelDefaults(
    { params: read.params, defaulted: defaultedParams(read.given as Record<string, unknown>) },
    readModelDefaults(cache.resolve(args.model ?? read.params.model).dir),
    config.limits,
  );
  if (args.previewDir) mkdirSync(args.previewDir, { recursive: true });
  const seed = params.seed ?? Math.floor(Math.random() * (MAX_SEED + 1));
  const format = videoFormatOf(args.out);
  if (format) {
    const warnings = await renderVideo({
      cache,
      model: args.model ?? params.model,
      out: args.out,
      format,
      ffmpegPath: config.video.ffmpegPath,
      previewDir: args.previewDir,
      request: {
        ...promptFields(params, seed),
        strength: params.strength ?? ANIMATE_STRENGTH,
        image,
        frames: params.video.frames,
        fps: params.video.fps,
        motion: params.video.motion,
        strengthSchedule: params.video.strengthSchedule,
        morphSeed: params.video.morphSeed,
      },
    });
    for (const w of warnings) console.error(`warning: ${w}`);
    await cache.close();
    return;
  }
  const result = await runPipeline(
    cache,
    args.model ?? params.model,
    pictureRequest(args, params, config, { seed, image, mask }),
    {
      onProgress: (p) => {
        if (!p.preview || !args.previewDir) return;
        writeFileSync(path.join(args.previewDir, `step-${String(p.step).padStart(3, '0')}.jpg`), p.preview);
      },
    },
  );
  for (const w of [...unusedParamWarnings(kind, read.given), ...result.warnings])
    console.error(`warning: ${w}`);
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
  // Not the user's doing; still one line (LOG_LEVEL=debug shows where it came from).
  console.error(`render failed: ${(err as Error)?.message ?? String(err)}`);
  if (process.env.LOG_LEVEL === 'debug') console.error((err as Error)?.stack);
  process.exit(1);
}
