// What /start and /help answer.
import { SETTINGS_HELP } from './settings-command.ts';

export const HELP = [
  'Ways to ask:',
  '/imagine a red circle on a blue sky --ar 16:9 --seed 7 — a picture (in a private chat plain text works too)',
  'a photo with a caption — a remix of the photo (--strength 0.3 stays close, 0.8 moves far)',
  'an album of two photos (the picture, then a mask: white = repaint) with a caption — an inpaint',
  'a mask, or a copy you scribbled on with the drawing tool, sent as a reply to a picture — an inpaint there',
  'pictures sent as files (uncompressed) work the same',
  'reply to a result with new text — draws it again with your changes (the old flags stay unless you give others)',
  '/animate a boat at sea --motion zoom-in --frames 16 --fps 8 — a short video (the same caption on a photo, or as a reply to a picture, animates that picture; reply to a clip to draw it again with changes)',
  '/queue — your jobs in progress; /cancel — stop the latest',
  '',
  'Flags: --ar W:H, --size WxH, --seed N, --no words, --steps N, --cfg X, --sampler NAME, --n 1-4, --strength X, --model NAME',
  'Video flags (/animate): --frames N, --fps N, --motion zoom-in|zoom-out|pan-left|pan-right|pan-up|pan-down|tilt-up|tilt-down|rotate-cw|rotate-ccw|static (speed after a colon, combine with +), --strength-schedule 0:0.55,24:0.4, --morph-seed N',
  '',
  SETTINGS_HELP,
].join('\n');
