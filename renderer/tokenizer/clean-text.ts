// CLIP's prompt cleaning before byte-pair encoding: HTML references decoded, whitespace collapsed,
// lower-cased. OpenAI's code first runs ftfy.fix_text; only its NFC normalisation is reproduced here,
// not its repair of mojibake or its straightening of curly quotes.
import { htmlUnescape } from './html-unescape.ts';

/** Unicode White_Space, what `\s` means in the Python `regex` module CLIP uses. */
export const WHITESPACE_CLASS = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WHITESPACE_RUN = new RegExp(`[${WHITESPACE_CLASS}]+`, 'gu');
/** Python's str.strip() also removes the separators U+001C-U+001F. */
const EDGE_SPACE = new RegExp(`^[${WHITESPACE_CLASS}\\x1c-\\x1f]+|[${WHITESPACE_CLASS}\\x1c-\\x1f]+$`, 'gu');

export function cleanPromptText(text: string): string {
  // OpenAI unescapes twice, so "&amp;amp;" becomes "&".
  const unescaped = htmlUnescape(htmlUnescape(text.normalize('NFC')));
  return unescaped.replace(WHITESPACE_RUN, ' ').replace(EDGE_SPACE, '').toLowerCase();
}
