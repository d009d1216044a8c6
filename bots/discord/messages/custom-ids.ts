// What a button or modal is about, carried in its custom id so it works after a restart:
// `img:<action>:<jobId>:<index>` (Discord allows 100 characters).
export const BUTTON_ACTIONS = {
  r: 'reroll',
  v: 'variation',
  u: 'upscale',
  e: 'edit',
  d: 'delete',
  x: 'cancel',
} as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[keyof typeof BUTTON_ACTIONS];

const CODE_OF = Object.fromEntries(Object.entries(BUTTON_ACTIONS).map(([k, v]) => [v, k])) as Record<
  ButtonAction,
  string
>;

export interface ButtonRef {
  action: ButtonAction;
  jobId: string;
  index: number;
}

export function buttonId(action: ButtonAction, jobId: string, index = 0): string {
  return `img:${CODE_OF[action]}:${jobId}:${index}`;
}

export function parseButtonId(customId: string): ButtonRef | undefined {
  const m = /^img:([a-z]):([A-Za-z0-9_.-]{1,80}):(\d{1,2})$/.exec(customId);
  if (!m || !(m[1] in BUTTON_ACTIONS)) return undefined;
  return { action: BUTTON_ACTIONS[m[1] as keyof typeof BUTTON_ACTIONS], jobId: m[2], index: Number(m[3]) };
}

/** The edit modal of a job: `imgedit:<jobId>`. */
export function editModalId(jobId: string): string {
  return `imgedit:${jobId}`;
}

/** The prompt modal of the Inpaint message command: `imgpaint:<stash key>`. */
export function inpaintModalId(stash: string): string {
  return `imgpaint:${stash}`;
}

export function parseModalId(customId: string): { kind: 'edit' | 'inpaint'; ref: string } | undefined {
  const m = /^(imgedit|imgpaint):([A-Za-z0-9_.-]{1,90})$/.exec(customId);
  if (!m) return undefined;
  return { kind: m[1] === 'imgedit' ? 'edit' : 'inpaint', ref: m[2] };
}
