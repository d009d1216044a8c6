// What an inline button carries back (Telegram allows 64 bytes): the action, the picture's index and
// the job id, e.g. `v:2:3f0c...`. The job id makes a press work without any state in the bot.
export const BUTTON_ACTIONS = {
  r: 'reroll',
  v: 'variation',
  u: 'upscale',
  p: 'png',
  x: 'cancel',
} as const;

export type ButtonCode = keyof typeof BUTTON_ACTIONS;
export type ButtonAction = (typeof BUTTON_ACTIONS)[ButtonCode];

const CODE_OF = Object.fromEntries(Object.entries(BUTTON_ACTIONS).map(([c, a]) => [a, c])) as Record<
  ButtonAction,
  ButtonCode
>;

export const MAX_CALLBACK_BYTES = 64;

export function encodeButton(action: ButtonAction, index: number, jobId: string): string {
  const data = `${CODE_OF[action]}:${index}:${jobId}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES)
    throw new Error(`callback data for job ${jobId} is over ${MAX_CALLBACK_BYTES} bytes`);
  return data;
}

export function decodeButton(
  data: string,
): { action: ButtonAction; index: number; jobId: string } | undefined {
  const m = /^([rvupx]):(\d{1,2}):(.+)$/.exec(data);
  if (!m) return undefined;
  return { action: BUTTON_ACTIONS[m[1] as ButtonCode], index: Number(m[2]), jobId: m[3] };
}
