// img2img: the input picture's latents noised to the strength's starting step, then denoised.
import type { LoadedModel } from '../model/loaded-model.ts';
import { img2imgTimesteps } from '../schedulers/img2img.ts';
import type { RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { denoise } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { finishPictures } from './stages/finish-pictures.ts';
import { effectiveStrength, loadInitImage } from './stages/init-image.ts';
import { prepareRun } from './stages/prepare-run.ts';
import { previewer } from './stages/preview.ts';
import { startTimings } from './stages/timings.ts';

export async function img2img(
  model: LoadedModel,
  request: RenderRequest,
  hooks?: RenderHooks,
): Promise<RenderResult> {
  const timings = startTimings(model);
  const run = prepareRun(model, request);
  const init = await loadInitImage(model, request);
  const text = await encodePrompt(
    model,
    request.prompt,
    request.negativePrompt,
    request.count,
    run.withGuidance,
  );
  const strength = effectiveStrength(request.steps, request.strength);
  const timesteps = run.schedulers.map((s) => img2imgTimesteps(s, request.steps, strength))[0];
  const { h, w } = run.latentSize;
  const latents = run.generators.map((g, i) =>
    run.schedulers[i].addNoise(init.latents, g.randn([1, 4, h, w]), timesteps[0]),
  );
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
    hooks,
    preview: previewer(run.latentSize),
    previewEvery: request.previewEvery,
  });
  const images = await finishPictures(model, request, final, run, undefined, {
    'Denoising strength': strength,
  });
  return {
    images,
    width: request.width,
    height: request.height,
    warnings: text.warnings,
    model: model.name,
    pipeline: 'img2img',
    timings: timings(),
  };
}
