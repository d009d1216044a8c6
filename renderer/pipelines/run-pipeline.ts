// Picks the pipeline for a request, and for inpaint the model's inpainting sibling when one is installed.
import { modelWithLoras } from '../lora/model-with-loras.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import type { ModelCache } from '../model/model-cache.ts';
import { img2img } from './img2img.ts';
import { inpaint } from './inpaint.ts';
import type { Pipeline, RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { txt2img } from './txt2img.ts';

export type PipelineName = RenderResult['pipeline'];

const PIPELINES: Record<PipelineName, Pipeline> = { txt2img, img2img, inpaint };

export function pipelineFor(request: Pick<RenderRequest, 'image' | 'mask'>): PipelineName {
  if (request.mask) return 'inpaint';
  return request.image ? 'img2img' : 'txt2img';
}

export async function runPipeline(
  cache: ModelCache,
  modelName: string,
  request: RenderRequest,
  hooks?: RenderHooks,
  /** Swaps parts of the loaded model for this render (a batch across jobs shares its UNet). */
  adapt: (model: LoadedModel) => LoadedModel = (model) => model,
): Promise<RenderResult> {
  const pipeline = pipelineFor(request);
  const name = pipeline === 'inpaint' ? (cache.inpaintSibling(modelName) ?? modelName) : modelName;
  const chosen = await modelWithLoras(cache, name, request.loras, request.vae);
  const result = await PIPELINES[pipeline](adapt(await cache.get(chosen.model)), request, hooks);
  return { ...result, warnings: [...chosen.warnings, ...result.warnings] };
}
