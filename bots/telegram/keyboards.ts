// The inline keyboards: under a result, reroll, variations, upscales and the full-quality PNG (one
// button per picture when there are several); under a clip, reroll and its first frame; under a
// status message, cancel.
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { type ButtonAction, encodeButton } from './callback-data.ts';

const button = (text: string, action: ButtonAction, index: number, jobId: string) => ({
  text,
  callback_data: encodeButton(action, index, jobId),
});

export function resultKeyboard(jobId: string, pictures: number, video = false): InlineKeyboardMarkup {
  // A clip is rerolled as a clip; variations and upscales redraw one picture, which a clip is not,
  // so it offers its first frame as a full-quality PNG instead.
  if (video)
    return {
      inline_keyboard: [
        [button('🔄 Reroll', 'reroll', 0, jobId), button('📄 First frame PNG', 'png', 0, jobId)],
      ],
    };
  if (pictures <= 1) {
    return {
      inline_keyboard: [
        [button('🔄 Reroll', 'reroll', 0, jobId), button('🎲 Variations', 'variation', 0, jobId)],
        [button('🔍 Upscale', 'upscale', 0, jobId), button('📄 PNG', 'png', 0, jobId)],
      ],
    };
  }
  const each = (label: string, action: ButtonAction) =>
    Array.from({ length: pictures }, (_, i) => button(`${label}${i + 1}`, action, i, jobId));
  return {
    inline_keyboard: [
      [button('🔄 Reroll', 'reroll', 0, jobId), button('📄 PNGs', 'png', 0, jobId)],
      each('V', 'variation'),
      each('U', 'upscale'),
    ],
  };
}

export function statusKeyboard(jobId: string): InlineKeyboardMarkup {
  return { inline_keyboard: [[button('✖ Cancel', 'cancel', 0, jobId)]] };
}
