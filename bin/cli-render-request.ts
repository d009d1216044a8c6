// The render CLI's requests, from its own options and the params of its prompt. The fidelity suites
// build theirs here too, so what they hold to diffusers' pictures is the CLI's own reading of a case.
import type { Config } from '../core/index.ts';
import type { RenderRequest } from '../renderer/pipelines/render-request.ts';
import type { RenderArgs } from './render-args.ts';

type PromptFields = Pick<
  RenderRequest,
  'prompt' | 'negativePrompt' | 'width' | 'height' | 'steps' | 'guidance' | 'sampler'
>;

interface PictureParams extends PromptFields {
  count: number;
  strength?: number;
  mask: { blur: number };
  loras?: RenderRequest['loras'];
  vae?: string;
}

/** What a picture and a clip are both asked: the prompt, the size, the sampling, the seed. */
export function promptFields(params: PromptFields, seed: number): PromptFields & { seed: number } {
  return {
    prompt: params.prompt,
    negativePrompt: params.negativePrompt,
    width: params.width,
    height: params.height,
    steps: params.steps,
    guidance: params.guidance,
    sampler: params.sampler,
    seed,
  };
}

/** A picture: txt2img, or img2img with `image`, or inpaint with `image` and `mask`. */
export function pictureRequest(
  args: RenderArgs,
  params: PictureParams,
  config: Config,
  inputs: { seed: number; image?: Buffer; mask?: Buffer },
): RenderRequest {
  const isInpaint = args.mask !== undefined;
  return {
    ...promptFields(params, inputs.seed),
    count: params.count,
    strength: params.strength ?? (isInpaint ? config.defaults.inpaintStrength : config.defaults.strength),
    image: inputs.image,
    mask: inputs.mask,
    maskOptions: { blur: args.maskBlur ?? params.mask.blur, invert: args.invertMask },
    previewEvery: args.previewDir ? 5 : 0,
    loras: params.loras,
    vae: params.vae,
  };
}
