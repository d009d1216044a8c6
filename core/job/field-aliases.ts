// Field names people bring from other tools (AUTOMATIC1111, diffusers, our own prompt flags), mapped
// to ours, so an unknown field can be answered with the one that was meant.

export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  cfg: 'guidance',
  cfg_scale: 'guidance',
  guidance_scale: 'guidance',
  scale: 'guidance',
  negative_prompt: 'negativePrompt',
  negative: 'negativePrompt',
  no: 'negativePrompt',
  n: 'count',
  n_iter: 'count',
  batch_size: 'count',
  num_images: 'count',
  num_images_per_prompt: 'count',
  sampler_name: 'sampler',
  scheduler: 'sampler',
  num_inference_steps: 'steps',
  denoising_strength: 'strength',
  mask_blur: 'mask',
  frames: 'video',
  fps: 'video',
  motion: 'video',
};
