// IP address text to bytes, so the classifier works on numbers rather than on spellings.
// IPv4 is read the loose way resolvers and URL parsers read it (decimal, octal, hex, fewer than four
// parts: `2130706433`, `0x7f.1`, `0177.0.0.1`), so no numeric trick can hide an address from the check.

export type ParsedIp = { version: 4; bytes: Uint8Array } | { version: 6; bytes: Uint8Array };

const HEX_PART = /^0x[0-9a-f]*$/i;
const OCTAL_PART = /^0[0-7]+$/;
const DECIMAL_PART = /^(0|[1-9][0-9]*)$/;

function ipv4Part(part: string): number | undefined {
  // Long parts cannot be valid and would lose precision as numbers.
  if (part.length > 34) return undefined;
  if (HEX_PART.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (OCTAL_PART.test(part)) return Number.parseInt(part.slice(1), 8);
  if (DECIMAL_PART.test(part)) return Number.parseInt(part, 10);
  return undefined;
}

/** IPv4 in any form inet_aton or the WHATWG URL parser accepts; undefined when the text is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  // One trailing dot is allowed, as in `127.0.0.1.`.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = ipv4Part(part);
    if (value === undefined) return undefined;
    values.push(value);
  }
  // Every part but the last is one byte; the last fills the bytes that remain (`127.1` is 127.0.0.1).
  const last = values.pop()!;
  if (values.some((v) => v > 255)) return undefined;
  if (last >= 256 ** (4 - values.length)) return undefined;
  const bytes = new Uint8Array(4);
  values.forEach((v, i) => {
    bytes[i] = v;
  });
  for (let i = 3, rest = last; i >= values.length; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return bytes;
}

/** Strict dotted quad, the only IPv4 spelling allowed at the end of an IPv6 address. */
function parseDottedQuad(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => DECIMAL_PART.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseDottedQuad(part);
      if (!v4) return undefined;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** IPv6 text (brackets and a `%zone` suffix allowed) to 16 bytes; undefined when the text is not one. */
export function parseIPv6(text: string): Uint8Array | undefined {
  let body = text;
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  if (!body.includes(':')) return undefined;
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[] | undefined;
  if (halves.length === 2) {
    const head = parseGroups(halves[0]);
    const tail = parseGroups(halves[1]);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parseGroups(body) ?? [];
    if (groups.length !== 8) return undefined;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Either family; undefined for a host name. */
export function parseIp(text: string): ParsedIp | undefined {
  const v6 = parseIPv6(text);
  if (v6) return { version: 6, bytes: v6 };
  const v4 = parseIPv4(text);
  return v4 ? { version: 4, bytes: v4 } : undefined;
}

export function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}
