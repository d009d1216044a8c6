// What every pipeline does around its own start: set up the run and encode the prompt first; then
// denoise, decode and report. A pipeline only decides where the latents start and what the loop adds.
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { RenderedImage, RenderHooks, RenderRequest, RenderResult } from '../render-request.ts';
import { type DenoiseInput, denoise } from './denoise.ts';
import { type EncodedPrompt, encodePrompt } from './encode-prompt.ts';
import { finishPictures } from './finish-pictures.ts';
import { prepareRun, type RunSetup } from './prepare-run.ts';
import { previewer } from './preview.ts';
import { startTimings } from './timings.ts';

export interface Run extends RunSetup {
  model: LoadedModel;
  request: RenderRequest;
  text: EncodedPrompt;
  timings: () => RenderResult['timings'];
}

export async function beginRun(model: LoadedModel, request: RenderRequest): Promise<Run> {
  const timings = startTimings(model);
  const setup = prepareRun(model, request);
  const text = await encodePrompt(
    model,
    request.prompt,
    request.negativePrompt,
    request.count,
    setup.withGuidance,
  );
  return { ...setup, model, request, text, timings };
}

export interface FinishOptions extends Pick<DenoiseInput, 'extraChannels' | 'afterStep'> {
  /** Applied to each decoded picture before encoding (inpaint's paste-back). */
  postprocess?: (rgb: Buffer) => Buffer;
  /** Extra fields for the PNG's parameters text. */
  parameters?: Record<string, string | number>;
  /** The pipeline's own warnings, told with the result. */
  warnings?: string[];
}

export async function finishRun(
  run: Run,
  pipeline: RenderResult['pipeline'],
  timesteps: Float32Array,
  latents: Float32Array[],
  hooks: RenderHooks | undefined,
  options: FinishOptions = {},
): Promise<RenderResult> {
  const { model, request, text } = run;
  const final = await denoise({
    model,
    schedulers: run.schedulers,
    timesteps,
    latents,
    latentSize: run.latentSize,
    text,
    guidance: request.guidance,
    withGuidance: run.withGuidance,
    generators: run.generators,
    extraChannels: options.extraChannels,
    afterStep: options.afterStep,
    hooks,
    preview: previewer(run.latentSize),
    previewEvery: request.previewEvery,
  });
  const images: RenderedImage[] = await finishPictures(
    model,
    request,
    final,
    run,
    options.postprocess,
    options.parameters,
  );
  return {
    images,
    width: request.width,
    height: request.height,
    warnings: [...(options.warnings ?? []), ...text.warnings],
    model: model.name,
    pipeline,
    timings: run.timings(),
  };
}
