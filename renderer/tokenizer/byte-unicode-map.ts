// GPT-2's reversible byte <-> character table used by byte-level BPE: printable Latin-1 bytes stand
// for themselves and the rest are moved to U+0100 upwards, so no byte becomes whitespace or a control.

function buildByteToChar(): string[] {
  const table = new Array<string>(256);
  const isPrintable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCharCode(isPrintable(b) ? b : 256 + shifted++);
  }
  return table;
}

/** Character standing for each byte value. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Byte value of each mapped character. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((ch, b) => [ch, b]));

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text`, each replaced by its mapped character. */
export function bytesAsChars(text: string): string {
  let out = '';
  for (const b of utf8.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}

/** Inverse of `bytesAsChars`; characters outside the table are dropped, broken UTF-8 becomes U+FFFD. */
export function charsAsText(chars: string): string {
  const bytes: number[] = [];
  for (const ch of chars) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
  }
  return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
}
