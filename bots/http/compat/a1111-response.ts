// What AUTOMATIC1111's txt2img and img2img answer: base64 pictures, the request as understood
// (`parameters`) and a JSON string `info` with the seeds and each picture's infotext.

import { formatA1111Parameters } from '../../../core/a1111/infotext.ts';
import { A1111_SAMPLER_NAMES } from '../../../core/a1111/sampler-names.ts';
import type { Job } from '../../../core/job/job.ts';
import type { ResultPicture } from '../jobs/views/result-pictures.ts';

export interface A1111Answer {
  images: string[];
  parameters: Record<string, unknown>;
  info: string;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function a1111Answer(
  job: Job,
  pictures: readonly ResultPicture[],
  body: Record<string, unknown>,
  createdAtMs: number,
): A1111Answer {
  const p = job.params;
  const seeds = pictures.map((pic) => pic.seed);
  const img2img = job.kind !== 'imagine';
  // A picture drawn to the end carries its infotext; one cut short by an interrupt gets one made here.
  const infotexts = pictures.map(
    (pic) =>
      pic.infotext ??
      formatA1111Parameters({
        prompt: p.prompt,
        negativePrompt: p.negativePrompt,
        steps: p.steps,
        sampler: p.sampler,
        guidance: p.guidance,
        seed: pic.seed,
        width: p.width,
        height: p.height,
        model: p.model,
      }),
  );
  const info = {
    prompt: p.prompt,
    all_prompts: seeds.map(() => p.prompt),
    negative_prompt: p.negativePrompt,
    all_negative_prompts: seeds.map(() => p.negativePrompt),
    seed: seeds[0] ?? p.seed,
    all_seeds: seeds,
    subseed: -1,
    all_subseeds: seeds.map(() => -1),
    subseed_strength: 0,
    width: p.width,
    height: p.height,
    sampler_name: A1111_SAMPLER_NAMES[p.sampler],
    cfg_scale: p.guidance,
    steps: p.steps,
    batch_size: p.count,
    restore_faces: false,
    face_restoration_model: null,
    sd_model_name: p.model,
    sd_model_hash: null,
    seed_resize_from_w: -1,
    seed_resize_from_h: -1,
    denoising_strength: img2img ? p.strength : null,
    extra_generation_params: {},
    index_of_first_image: 0,
    infotexts,
    styles: [],
    job_timestamp: timestamp(createdAtMs),
    clip_skip: 1,
    is_using_inpainting_conditioning: job.kind === 'inpaint',
    version: 'imagine-bot',
  };
  // A1111 leaves the input pictures out of the echoed request.
  const { init_images: _images, mask: _mask, ...rest } = body;
  const parameters = {
    ...rest,
    prompt: p.prompt,
    negative_prompt: p.negativePrompt,
    steps: p.steps,
    cfg_scale: p.guidance,
    sampler_name: A1111_SAMPLER_NAMES[p.sampler],
    width: p.width,
    height: p.height,
    seed: p.seed,
    batch_size: p.count,
    n_iter: 1,
    ...(img2img ? { denoising_strength: p.strength, init_images: null, mask: null } : {}),
  };
  return {
    images: pictures.map((pic) => pic.bytes.toString('base64')),
    parameters,
    info: JSON.stringify(info),
  };
}
