// EasyAnimate's infer_forward body, read into our job params. Defaults are EasyAnimate's own; the model
// paths are accepted ("none" = default); a LoRA path names, by its file name, a LoRA in the LoRA folder
// (files on the server are never opened by path), at lora_alpha_slider. A video request
// (is_image false and length_slider above 1) becomes an animate job of length_slider frames.
import { z } from 'zod';
import type { FieldProblem } from '../../../core/errors.ts';
import type { Sampler } from '../../../core/job/limits.ts';

/** EasyAnimate's sampler menu and ours. */
export const EASYANIMATE_SAMPLERS: Readonly<Record<string, Sampler>> = {
  Euler: 'euler',
  'Euler A': 'euler_a',
  'DPM++': 'dpmpp_2m',
  PNDM: 'pndm',
  DDIM: 'ddim',
};

/** Gradio textboxes send numbers as text; both are read. */
const numeric = (fallback: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    z.number({ error: 'must be a number' }).default(fallback),
  );
const flag = z.preprocess(
  (v) => (v === 'true' || v === 1 ? true : v === 'false' || v === 0 ? false : v),
  z.boolean({ error: 'must be true or false' }).default(false),
);
const path = z.string({ error: 'must be a text' }).default('none');

export const EasyAnimateInferSchema = z.looseObject({
  prompt_textbox: z.string({ error: 'must be a text' }).default(''),
  negative_prompt_textbox: z.string({ error: 'must be a text' }).default(''),
  sample_step_slider: numeric(30),
  cfg_scale_slider: numeric(6),
  sampler_dropdown: z.string({ error: 'must be a text' }).default('Euler'),
  width_slider: numeric(672),
  height_slider: numeric(384),
  length_slider: numeric(144),
  /** Not in EasyAnimate's own form (its clips play at 8 fps); accepted so a caller can choose. */
  fps: numeric(8),
  is_image: flag,
  seed_textbox: numeric(43),
  lora_alpha_slider: numeric(0.55),
  lora_model_path: path,
  base_model_path: path,
  motion_module_path: path,
});

export type EasyAnimateInfer = z.infer<typeof EasyAnimateInferSchema>;

/** The model a path names: its last segment, without a weights extension; undefined for "none". */
export function modelFromPath(path: string): string | undefined {
  const trimmed = path.trim().replace(/[\\/]+$/, '');
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return undefined;
  return (trimmed.split(/[\\/]/).pop() ?? '').replace(/\.(safetensors|ckpt|onnx)$/i, '');
}

export function wantsVideo(body: EasyAnimateInfer): boolean {
  return !body.is_image && body.length_slider !== 1;
}

export function easyAnimateParams(
  body: EasyAnimateInfer,
  chosenModel: string | undefined,
): { params: Record<string, unknown>; problems: FieldProblem[]; warnings: string[] } {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  const sampler = EASYANIMATE_SAMPLERS[body.sampler_dropdown];
  if (!sampler) {
    problems.push({
      field: 'sampler_dropdown',
      value: body.sampler_dropdown,
      problem: `must be one of ${Object.keys(EASYANIMATE_SAMPLERS).join(', ')}`,
    });
  }
  const lora = modelFromPath(body.lora_model_path);
  if (lora && wantsVideo(body))
    problems.push({
      field: 'lora_model_path',
      value: body.lora_model_path,
      problem: 'is merged into pictures only, not yet into videos: use "none", or is_image true',
    });
  const model = modelFromPath(body.base_model_path) ?? chosenModel;
  const params: Record<string, unknown> = {
    prompt: body.prompt_textbox,
    negativePrompt: body.negative_prompt_textbox,
    steps: body.sample_step_slider,
    guidance: body.cfg_scale_slider,
    ...(sampler ? { sampler } : {}),
    width: body.width_slider,
    height: body.height_slider,
    ...(body.seed_textbox !== -1 ? { seed: body.seed_textbox } : {}),
    ...(model ? { model } : {}),
    ...(lora ? { loras: [{ name: lora, weight: body.lora_alpha_slider }] } : {}),
    ...(wantsVideo(body) ? { video: { frames: body.length_slider, fps: body.fps, format: 'mp4' } } : {}),
  };
  return { params, problems, warnings };
}

export function easyAnimateFieldOf(field: string): string {
  const names: Record<string, string> = {
    'params.prompt': 'prompt_textbox',
    'params.negativePrompt': 'negative_prompt_textbox',
    'params.steps': 'sample_step_slider',
    'params.guidance': 'cfg_scale_slider',
    'params.width': 'width_slider',
    'params.height': 'height_slider',
    'params.size': 'width_slider',
    'params.seed': 'seed_textbox',
    'params.sampler': 'sampler_dropdown',
    'params.model': 'base_model_path',
    'params.loras': 'lora_model_path',
    'params.video.frames': 'length_slider',
    'params.video.fps': 'fps',
  };
  return names[field] ?? field;
}

/** The editions EasyAnimate's update_edition knows. */
export const EASYANIMATE_EDITIONS = ['v1', 'v2', 'v3', 'v4', 'v5', 'v5.1'] as const;
