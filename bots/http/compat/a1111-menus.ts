// The lists AUTOMATIC1111 clients read to fill their menus, in A1111's shapes: schedulers and upscalers.

export interface A1111Scheduler {
  name: string;
  label: string;
  aliases: string[] | null;
  default_rho: number;
  need_inner_model: boolean;
}

/** `automatic` is each sampler's own schedule; Karras is the one other schedule here (with DPM++ 2M). */
export const A1111_SCHEDULERS: readonly A1111Scheduler[] = [
  { name: 'automatic', label: 'Automatic', aliases: null, default_rho: -1, need_inner_model: false },
  { name: 'karras', label: 'Karras', aliases: null, default_rho: 7, need_inner_model: false },
];

export interface A1111Upscaler {
  name: string;
  model_name: string | null;
  model_path: string | null;
  model_url: string | null;
  scale: number;
}

/** Hires fix and the extras tab's upscalers are not available here: only A1111's "None" entry. */
export const A1111_UPSCALERS: readonly A1111Upscaler[] = [
  { name: 'None', model_name: null, model_path: null, model_url: null, scale: 4 },
];

/** A scheduler by its name or label, as A1111 accepts either; undefined when unknown. */
export function findA1111Scheduler(text: string): A1111Scheduler | undefined {
  const wanted = text.trim().toLowerCase();
  return A1111_SCHEDULERS.find((s) => s.name === wanted || s.label.toLowerCase() === wanted);
}
