// Stage 4: latents to pictures. Each picture is decoded alone (the VAE decoder is the memory peak),
// optionally post-processed (inpaint pastes the unmasked pixels back), and written as a PNG that
// carries its parameters the way AUTOMATIC1111 writes them.

import { formatA1111Parameters } from '../../../core/a1111/infotext.ts';
import { encodePng } from '../../image/png-text.ts';
import { tensorToRgb } from '../../image/rgb-tensor.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { RenderedImage, RenderRequest } from '../render-request.ts';
import type { RunSetup } from './prepare-run.ts';

export async function finishPictures(
  model: LoadedModel,
  request: RenderRequest,
  latents: Float32Array[],
  run: RunSetup,
  postprocess?: (rgb: Buffer) => Buffer,
  extra?: Record<string, string | number>,
): Promise<RenderedImage[]> {
  const { h, w } = run.latentSize;
  const images: RenderedImage[] = [];
  for (let i = 0; i < latents.length; i++) {
    const pixels = await model.vaeDecoder.decode(latents[i], [1, 4, h, w]);
    let rgb = tensorToRgb(pixels, 0, request.width, request.height);
    if (postprocess) rgb = postprocess(rgb);
    const parameters = formatA1111Parameters({
      prompt: request.prompt,
      negativePrompt: request.negativePrompt,
      steps: request.steps,
      sampler: request.sampler,
      guidance: request.guidance,
      seed: run.seeds[i],
      width: request.width,
      height: request.height,
      model: model.name,
      extra,
    });
    images.push({ png: await encodePng(rgb, request.width, request.height, parameters), seed: run.seeds[i] });
  }
  return images;
}
