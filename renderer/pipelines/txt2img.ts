// txt2img: noise from the seed, denoised under the prompt, decoded to PNGs.
import type { LoadedModel } from '../model/loaded-model.ts';
import type { RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { beginRun, finishRun } from './stages/run.ts';

export async function txt2img(
  model: LoadedModel,
  request: RenderRequest,
  hooks?: RenderHooks,
): Promise<RenderResult> {
  const run = await beginRun(model, request);
  for (const s of run.schedulers) s.setTimesteps(request.steps);
  const { h, w } = run.latentSize;
  const latents = run.generators.map((g, i) => {
    const noise = g.randn([1, 4, h, w]);
    const sigma = run.schedulers[i].initNoiseSigma;
    for (let k = 0; k < noise.length; k++) noise[k] *= sigma;
    return noise;
  });
  return finishRun(run, 'txt2img', run.schedulers[0].timesteps, latents, hooks);
}
