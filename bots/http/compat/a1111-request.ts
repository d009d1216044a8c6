// AUTOMATIC1111's txt2img and img2img request bodies, read into our job request. Fields we do not use
// (restore_faces, styles, hr_*, ...) are accepted and ignored, so existing clients work unchanged;
// absent fields take this server's defaults rather than A1111's (its 50 steps are slow on a CPU),
// except the CFG scale, whose default of 7 clients count on. The prompt is taken as it is: flags are
// not read here, as A1111 reads none, and an empty prompt is valid.
import { z } from 'zod';
import { A1111_SAMPLER_NAMES, samplerFromA1111 } from '../../../core/a1111/sampler-names.ts';
import type { FieldProblem } from '../../../core/errors.ts';
import { extractPromptLoras, parseLoraSpec } from '../../../core/flags/lora-spec.ts';
import { SAMPLERS, type Sampler } from '../../../core/job/limits.ts';
import { A1111_SCHEDULERS, findA1111Scheduler } from './a1111-menus.ts';

/** A1111's default sampler since 1.9, when a request names only a schedule. */
const A1111_SCHEDULED_DEFAULT = 'DPM++ 2M';

/** A1111's default cfg_scale. */
export const A1111_DEFAULT_CFG = 7;

const optionalNumber = z.number({ error: 'must be a number' }).nullish();
const optionalInt = z.number({ error: 'must be a number' }).int('must be a whole number').nullish();

export const A1111Txt2ImgSchema = z.looseObject({
  prompt: z.string({ error: 'must be a text' }).nullish(),
  negative_prompt: z.string({ error: 'must be a text' }).nullish(),
  steps: optionalInt,
  cfg_scale: optionalNumber,
  sampler_name: z.string({ error: 'must be a text' }).nullish(),
  sampler_index: z.string({ error: 'must be a text' }).nullish(),
  scheduler: z.string({ error: 'must be a text' }).nullish(),
  width: optionalInt,
  height: optionalInt,
  seed: optionalInt.describe('-1 = random'),
  batch_size: optionalInt,
  n_iter: optionalInt,
  override_settings: z
    .looseObject({ sd_model_checkpoint: z.string().nullish(), sd_vae: z.string().nullish() })
    .nullish(),
});

export const A1111Img2ImgSchema = A1111Txt2ImgSchema.extend({
  init_images: z
    .array(z.string({ error: 'must be base64 pictures' }), { error: 'must be a list of base64 pictures' })
    .min(1, 'needs one picture'),
  denoising_strength: optionalNumber,
  mask: z.string({ error: 'must be a base64 picture' }).nullish(),
  mask_blur: optionalInt,
  inpainting_mask_invert: z
    .union([z.literal(0), z.literal(1), z.boolean()], { error: 'must be 0 or 1' })
    .nullish(),
});

export type A1111Txt2Img = z.infer<typeof A1111Txt2ImgSchema>;
export type A1111Img2Img = z.infer<typeof A1111Img2ImgSchema>;

const A1111_NAMES = Object.values(A1111_SAMPLER_NAMES);

function unknownSampler(name: string): FieldProblem {
  return {
    field: 'sampler_name',
    value: name,
    problem: `is not a sampler here; samplers: ${A1111_NAMES.join(', ')}`,
  };
}

/**
 * A sampler from its A1111 name (the schedule in the name, as before 1.9, or in `scheduler`, by name or
 * label) or our own name. A schedule the sampler does not have here is refused, not dropped.
 */
export function readA1111Sampler(name: string, scheduler: string | null | undefined): Sampler | FieldProblem {
  const base =
    samplerFromA1111(name) ??
    ((SAMPLERS as readonly string[]).includes(name) ? (name as Sampler) : undefined);
  const schedule = scheduler ? findA1111Scheduler(scheduler) : undefined;
  if (scheduler && !schedule) {
    return {
      field: 'scheduler',
      value: scheduler,
      problem: `is not a schedule here; schedules: ${A1111_SCHEDULERS.map((s) => s.name).join(', ')}`,
    };
  }
  if (!schedule || schedule.name === 'automatic') return base ?? unknownSampler(name);
  const scheduled = samplerFromA1111(name, schedule.label);
  if (scheduled) return scheduled;
  if (!base) return unknownSampler(name);
  // "DPM++ 2M Karras" with scheduler Karras says the same thing twice.
  if (A1111_SAMPLER_NAMES[base].endsWith(` ${schedule.label}`)) return base;
  const withIt = A1111_NAMES.filter((n) => n.endsWith(` ${schedule.label}`)).map((n) =>
    n.slice(0, -(schedule.label.length + 1)),
  );
  return {
    field: 'scheduler',
    value: scheduler ?? undefined,
    problem: `${schedule.label} is not available with ${A1111_SAMPLER_NAMES[base]} here (only with ${withIt.join(', ')}): use automatic`,
  };
}

/** "toy.safetensors [abc123]" -> "toy": A1111 names checkpoints by file name and hash. */
export function modelFromCheckpoint(checkpoint: string): string {
  return (
    checkpoint
      .replace(/\s*\[[^\]]*\]\s*$/, '')
      .replace(/\.(safetensors|ckpt|onnx)$/i, '')
      .split(/[\\/]/)
      .pop() ?? ''
  );
}

/** Bare base64, as A1111 clients send pictures, as a data: URI our upload path reads. */
export function asDataUri(picture: string): string {
  return /^data:/i.test(picture) ? picture : `data:image/png;base64,${picture}`;
}

export interface A1111Params {
  params: Record<string, unknown>;
  problems: FieldProblem[];
}

/** The params of either request; problems are named by A1111's field names. */
export function a1111Params(body: A1111Txt2Img & Partial<A1111Img2Img>): A1111Params {
  const problems: FieldProblem[] = [];
  // A1111's own `<lora:name:weight>` is read (and taken out of the text the model sees), as A1111 does.
  const tagged = extractPromptLoras(body.prompt ?? '');
  const params: Record<string, unknown> = { prompt: tagged.text };
  const loras = [];
  for (const spec of tagged.specs) {
    const lora = parseLoraSpec(spec, false);
    if (typeof lora === 'string') problems.push({ field: 'prompt', value: `<lora:${spec}>`, problem: lora });
    else loras.push(lora);
  }
  if (loras.length > 0) params.loras = loras;
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) params[key] = value;
  };
  set('negativePrompt', body.negative_prompt);
  set('steps', body.steps);
  params.guidance = body.cfg_scale ?? A1111_DEFAULT_CFG;
  set('width', body.width);
  set('height', body.height);
  if (body.seed !== undefined && body.seed !== null && body.seed !== -1) params.seed = body.seed;
  const count = (body.batch_size ?? 1) * (body.n_iter ?? 1);
  if (count !== 1) params.count = count;
  // A schedule alone goes with A1111's default sampler, DPM++ 2M.
  const samplerName =
    body.sampler_name ?? body.sampler_index ?? (body.scheduler ? A1111_SCHEDULED_DEFAULT : undefined);
  if (samplerName) {
    const sampler = readA1111Sampler(samplerName, body.scheduler);
    if (typeof sampler === 'string') params.sampler = sampler;
    else problems.push(sampler);
  }
  const checkpoint = body.override_settings?.sd_model_checkpoint;
  if (checkpoint) params.model = modelFromCheckpoint(checkpoint);
  // A1111's "Automatic" and "None" keep the model's own VAE; a file name names a folder in VAES_DIR.
  const vae = body.override_settings?.sd_vae;
  if (vae && !/^(automatic|none)$/i.test(vae.trim())) params.vae = modelFromCheckpoint(vae);
  set('strength', body.denoising_strength);
  if (body.mask) {
    params.mask = {
      ...(body.mask_blur !== undefined && body.mask_blur !== null ? { blur: body.mask_blur } : {}),
      invert: body.inpainting_mask_invert === 1 || body.inpainting_mask_invert === true,
    };
  }
  return { params, problems };
}

/** Our job schema's field names back in A1111's words. */
export function a1111FieldOf(field: string): string {
  const names: Record<string, string> = {
    'params.prompt': 'prompt',
    'params.negativePrompt': 'negative_prompt',
    'params.steps': 'steps',
    'params.guidance': 'cfg_scale',
    'params.width': 'width',
    'params.height': 'height',
    'params.size': 'width',
    'params.seed': 'seed',
    'params.count': 'batch_size',
    'params.sampler': 'sampler_name',
    'params.strength': 'denoising_strength',
    'params.model': 'override_settings.sd_model_checkpoint',
    'params.mask.blur': 'mask_blur',
    'inputs.image': 'init_images',
    'inputs.mask': 'mask',
  };
  return names[field] ?? field;
}
