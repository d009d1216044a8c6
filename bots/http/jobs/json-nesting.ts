// JSON nested deeper than any request needs is refused before it is parsed: deep values overflow the
// stack of whatever walks them later (validation, error messages, re-serialising).

export const MAX_JSON_DEPTH = 64;

/** How deep the text's arrays and objects nest, stopping early once past `max` (strings skipped). */
export function jsonDepthOver(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/** The problem text, reading on from what was nested ("the request body ..."). */
export function tooDeepText(max = MAX_JSON_DEPTH): string {
  return `nests arrays and objects more than ${max} levels deep: send at most ${max} levels`;
}
