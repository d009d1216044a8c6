// /sdapi/v1/options: the A1111 settings clients read at start, with the values that hold here. The
// checkpoint is the caller's choice (POST /sdapi/v1/options), else the default model, named as
// /sdapi/v1/sd-models titles it. The other settings are fixed: a POST may repeat them, not change them.
import { isDeepStrictEqual } from 'node:util';
import type { FieldProblem } from '../../../core/errors.ts';
import { modelFromCheckpoint } from './a1111-request.ts';

const FIXED: Readonly<Record<string, unknown>> = {
  sd_checkpoint_hash: null,
  sd_vae: 'Automatic',
  CLIP_stop_at_last_layers: 1,
  eta_noise_seed_delta: 0,
  randn_source: 'CPU',
  samples_format: 'png',
  samples_save: false,
  enable_pnginfo: true,
  live_previews_enable: true,
  live_previews_image_format: 'jpeg',
  show_progress_every_n_steps: 5,
  show_progress_type: 'Approx cheap',
};

export function a1111Options(model: string): Record<string, unknown> {
  return { sd_model_checkpoint: model, ...FIXED };
}

/** A POSTed change: the checkpoint it chooses (one of `models`), and every option it cannot have. */
export function readA1111OptionsChange(
  body: Record<string, unknown>,
  models: readonly string[],
): { model?: string; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let model: string | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'sd_model_checkpoint') {
      const name = typeof value === 'string' ? modelFromCheckpoint(value) : '';
      if (models.includes(name)) model = name;
      else
        problems.push({
          field: key,
          value,
          problem: `is not a model here (available: ${models.join(', ') || 'none: no renderer is running'})`,
        });
    } else if (!(key in FIXED)) {
      problems.push({ field: key, value, problem: 'is not an option here (see GET /sdapi/v1/options)' });
    } else if (!isDeepStrictEqual(value, FIXED[key])) {
      problems.push({
        field: key,
        value,
        problem: `cannot be changed here (it is ${JSON.stringify(FIXED[key])})`,
      });
    }
  }
  return { model, problems };
}
