// GET /sdapi/v1/options: the A1111 settings clients read at start, with the values that hold here. The
// checkpoint is the default model, named as /sdapi/v1/sd-models titles it.

export function a1111Options(defaultModel: string): Record<string, unknown> {
  return {
    sd_model_checkpoint: defaultModel,
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
}
