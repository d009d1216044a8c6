// HTML character references decoded the way Python's html.unescape does (which CLIP's text cleaning
// calls): numeric references with or without ';', named ones, and the legacy names that HTML lets
// appear without ';'. Only a common subset of the ~2000 HTML5 names is known; others stay as written.

/** HTML 4 Latin-1 names, in code point order from U+00A0; HTML allows all of them without ';'. */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 ' +
  'sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc ' +
  'Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve ' +
  'Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute ' +
  'acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ' +
  'ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

/** Other legacy names valid without ';'. */
const OTHER_LEGACY: Record<string, string> = {
  amp: '&',
  AMP: '&',
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  quot: '"',
  QUOT: '"',
  COPY: '\u00a9',
  REG: '\u00ae',
};

/** Names that need the ';'. */
const SEMICOLON_ONLY: Record<string, number> = {
  apos: 0x27,
  OElig: 0x152,
  oelig: 0x153,
  Scaron: 0x160,
  scaron: 0x161,
  Yuml: 0x178,
  fnof: 0x192,
  circ: 0x2c6,
  tilde: 0x2dc,
  ensp: 0x2002,
  emsp: 0x2003,
  thinsp: 0x2009,
  zwnj: 0x200c,
  zwj: 0x200d,
  lrm: 0x200e,
  rlm: 0x200f,
  ndash: 0x2013,
  mdash: 0x2014,
  lsquo: 0x2018,
  rsquo: 0x2019,
  sbquo: 0x201a,
  ldquo: 0x201c,
  rdquo: 0x201d,
  bdquo: 0x201e,
  dagger: 0x2020,
  Dagger: 0x2021,
  bull: 0x2022,
  hellip: 0x2026,
  permil: 0x2030,
  prime: 0x2032,
  Prime: 0x2033,
  lsaquo: 0x2039,
  rsaquo: 0x203a,
  euro: 0x20ac,
  trade: 0x2122,
  larr: 0x2190,
  uarr: 0x2191,
  rarr: 0x2192,
  darr: 0x2193,
  harr: 0x2194,
  minus: 0x2212,
  infin: 0x221e,
  ne: 0x2260,
  le: 0x2264,
  ge: 0x2265,
  hearts: 0x2665,
  star: 0x2606,
  check: 0x2713,
};

/** Decoded text of each known name; keys with ';' need it, keys without are legacy forms. */
const NAMED = buildNamedTable();

function buildNamedTable(): Map<string, string> {
  const table = new Map<string, string>();
  const addLegacy = (name: string, text: string) => {
    table.set(name, text);
    table.set(`${name};`, text);
  };
  LATIN1_NAMES.split(' ').forEach((name, i) => {
    addLegacy(name, String.fromCodePoint(0xa0 + i));
  });
  for (const [name, text] of Object.entries(OTHER_LEGACY)) addLegacy(name, text);
  for (const [name, cp] of Object.entries(SEMICOLON_ONLY)) table.set(`${name};`, String.fromCodePoint(cp));
  return table;
}

const REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;
/**
 * Windows-1252 meaning of the C1 range 0x80-0x9F (its five unassigned bytes stay as they are). Written
 * out because Node's TextDecoder decodes the 'windows-1252' label as plain Latin-1.
 */
const WINDOWS_1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, ref: string) => (ref[0] === '#' ? numeric(ref) : named(ref, whole)));
}

function numeric(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
  const cp = Number.parseInt(digits, hex ? 16 : 10);
  // As the HTML standard says: NUL and CR have fixed replacements, 0x80-0x9F are read as Windows-1252.
  if (cp === 0) return '\ufffd';
  if (cp === 0x0d) return '\r';
  if (cp >= 0x80 && cp <= 0x9f) return WINDOWS_1252_C1[cp - 0x80];
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isDroppedCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

/** Control characters and noncharacters, which Python's unescape removes. */
function isDroppedCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1 && cp <= 0x8) ||
    cp === 0xb ||
    (cp >= 0xe && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function named(ref: string, whole: string): string {
  const exact = NAMED.get(ref);
  if (exact !== undefined) return exact;
  // Longest legacy name at the start, the rest kept as text: "&notit;" -> "¬it;".
  for (let len = ref.length - 1; len > 1; len--) {
    const prefix = NAMED.get(ref.slice(0, len));
    if (prefix !== undefined) return prefix + ref.slice(len);
  }
  return whole;
}
