// img2img: the input picture's latents noised to the strength's starting step, then denoised.
import type { LoadedModel } from '../model/loaded-model.ts';
import { img2imgTimesteps } from '../schedulers/img2img.ts';
import type { RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { effectiveStrength, loadInitImage } from './stages/init-image.ts';
import { beginRun, finishRun } from './stages/run.ts';

export async function img2img(
  model: LoadedModel,
  request: RenderRequest,
  hooks?: RenderHooks,
): Promise<RenderResult> {
  const init = await loadInitImage(model, request);
  const run = await beginRun(model, request);
  const strength = effectiveStrength(request.steps, request.strength);
  const timesteps = run.schedulers.map((s) => img2imgTimesteps(s, request.steps, strength))[0];
  const { h, w } = run.latentSize;
  // diffusers' prepare_latents, per picture's generator: the posterior sample first, then the noise.
  const latents = run.generators.map((g, i) => {
    const clean = init.encoder.sample(init.posterior, g);
    return run.schedulers[i].addNoise(clean, g.randn([1, 4, h, w]), timesteps[0]);
  });
  return finishRun(run, 'img2img', timesteps, latents, hooks, {
    parameters: { 'Denoising strength': strength },
  });
}
