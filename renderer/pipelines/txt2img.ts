// txt2img: noise from the seed, denoised under the prompt, decoded to PNGs.
import type { LoadedModel } from '../model/loaded-model.ts';
import type { RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { denoise } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { finishPictures } from './stages/finish-pictures.ts';
import { prepareRun } from './stages/prepare-run.ts';
import { previewer } from './stages/preview.ts';
import { startTimings } from './stages/timings.ts';

export async function txt2img(
  model: LoadedModel,
  request: RenderRequest,
  hooks?: RenderHooks,
): Promise<RenderResult> {
  const timings = startTimings(model);
  const run = prepareRun(model, request);
  const text = await encodePrompt(
    model,
    request.prompt,
    request.negativePrompt,
    request.count,
    run.withGuidance,
  );
  for (const s of run.schedulers) s.setTimesteps(request.steps);
  const { h, w } = run.latentSize;
  const latents = run.generators.map((g, i) => {
    const noise = g.randn([1, 4, h, w]);
    const sigma = run.schedulers[i].initNoiseSigma;
    for (let k = 0; k < noise.length; k++) noise[k] *= sigma;
    return noise;
  });
  const final = await denoise({
    model,
    schedulers: run.schedulers,
    timesteps: run.schedulers[0].timesteps,
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
  const images = await finishPictures(model, request, final, run);
  return {
    images,
    width: request.width,
    height: request.height,
    warnings: text.warnings,
    model: model.name,
    pipeline: 'txt2img',
    timings: timings(),
  };
}
