// The last stage of every picture pipeline: latents to pictures. Each picture is decoded alone (the
// VAE decoder is the memory peak), optionally post-processed (inpaint pastes the unmasked pixels
// back), and written as a PNG that carries its parameters the way AUTOMATIC1111 writes them.
import { formatA1111Parameters } from '../../../core/a1111/infotext.ts';
import { encodePng } from '../../image/png-text.ts';
import { tensorToRgb } from '../../image/rgb-tensor.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { RenderedImage, RenderRequest, RenderResult } from '../render-request.ts';
import type { Run } from './prepare-run.ts';

export interface DecodeOptions {
  /** Applied to each decoded picture before encoding (inpaint's paste-back). */
  postprocess?: (rgb: Buffer) => Buffer;
  /** Extra fields for the PNG's parameters text. */
  parameters?: Record<string, string | number>;
}

export async function decodePictures(
  run: Run,
  latents: Float32Array[],
  options: DecodeOptions = {},
): Promise<RenderedImage[]> {
  const { model, request } = run;
  const { h, w } = run.latentSize;
  const images: RenderedImage[] = [];
  for (let i = 0; i < latents.length; i++) {
    const pixels = await model.vaeDecoder.decode(latents[i], [1, 4, h, w], run.warnings);
    let rgb = tensorToRgb(pixels, 0, request.width, request.height);
    if (options.postprocess) rgb = options.postprocess(rgb);
    const parameters = pngParameters(model, request, run.seeds[i], options.parameters);
    images.push({ png: await encodePng(rgb, request.width, request.height, parameters), seed: run.seeds[i] });
  }
  return images;
}

/** A picture's parameters text, the way AUTOMATIC1111 writes it into its PNGs. */
export function pngParameters(
  model: LoadedModel,
  request: Pick<
    RenderRequest,
    'prompt' | 'negativePrompt' | 'steps' | 'sampler' | 'guidance' | 'width' | 'height'
  >,
  seed: number,
  extra?: Record<string, string | number>,
): string {
  const { prompt, negativePrompt, steps, sampler, guidance, width, height } = request;
  return formatA1111Parameters({
    prompt,
    negativePrompt,
    steps,
    sampler,
    guidance,
    seed,
    width,
    height,
    model: model.name,
    extra,
  });
}

/** What a picture pipeline gives back: its pictures, the things the user should know, its clock. */
export function renderResult(
  run: Run,
  pipeline: RenderResult['pipeline'],
  images: RenderedImage[],
  warnings: string[],
): RenderResult {
  return {
    images,
    width: run.request.width,
    height: run.request.height,
    warnings: [...warnings, ...run.warnings],
    model: run.model.name,
    pipeline,
    timings: run.timings(),
  };
}
