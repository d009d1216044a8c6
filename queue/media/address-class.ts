// Where an IP address leads: the public internet or somewhere a server-side fetch must not go.
// Ranges follow the IANA special-purpose registries; IPv6 forms that carry an IPv4 address
// (mapped, compatible, translated, NAT64, 6to4) are judged by the address they carry.
import { formatIPv4, parseIp } from './ip-address.ts';

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved';

export type EmbeddingForm = 'ipv4-mapped' | 'ipv4-compatible' | 'ipv4-translated' | 'nat64' | '6to4';

export interface AddressClass {
  kind: AddressKind;
  version: 4 | 6;
  /** The IPv4 address an IPv6 form carries, which decided `kind`. */
  embedded?: { form: EmbeddingForm; address: string };
}

type Range = { prefix: Uint8Array; bits: number };

function inRange(bytes: Uint8Array, range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.prefix[i] & mask)) return false;
  }
  return true;
}

function range(cidr: string): Range {
  const [text, bits] = cidr.split('/');
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`bad range ${cidr}`);
  return { prefix: parsed.bytes, bits: Number(bits) };
}

// First match wins, so narrow ranges come before the wide ones they sit in.
const IPV4_RANGES: [Range, AddressKind][] = [
  [range('0.0.0.0/8'), 'unspecified'],
  [range('10.0.0.0/8'), 'private'],
  [range('100.64.0.0/10'), 'private'], // carrier-grade NAT
  [range('127.0.0.0/8'), 'loopback'],
  [range('169.254.0.0/16'), 'link-local'],
  [range('172.16.0.0/12'), 'private'],
  [range('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [range('192.0.2.0/24'), 'reserved'], // documentation
  [range('192.88.99.0/24'), 'reserved'], // former 6to4 relay anycast
  [range('192.168.0.0/16'), 'private'],
  [range('198.18.0.0/15'), 'reserved'], // benchmarking
  [range('198.51.100.0/24'), 'reserved'], // documentation
  [range('203.0.113.0/24'), 'reserved'], // documentation
  [range('224.0.0.0/4'), 'multicast'],
  [range('255.255.255.255/32'), 'broadcast'],
  [range('240.0.0.0/4'), 'reserved'],
];

// Where the IPv4 address sits inside each IPv6 form that carries one.
// Checked after :: and ::1, which would otherwise read as IPv4-compatible 0.0.0.0 and 0.0.0.1.
const IPV6_UNSPECIFIED = range('::/128');
const IPV6_LOOPBACK = range('::1/128');

const IPV6_EMBEDDINGS: [Range, EmbeddingForm, number][] = [
  [range('::ffff:0:0/96'), 'ipv4-mapped', 12],
  [range('::ffff:0:0:0/96'), 'ipv4-translated', 12],
  [range('::/96'), 'ipv4-compatible', 12],
  [range('64:ff9b::/96'), 'nat64', 12],
  [range('2002::/16'), '6to4', 2],
];

const IPV6_RANGES: [Range, AddressKind][] = [
  [range('64:ff9b:1::/48'), 'private'], // NAT64 prefixes for local use
  [range('100::/64'), 'reserved'], // discard-only
  [range('2001::/23'), 'reserved'], // IETF protocol assignments, Teredo among them
  [range('2001:db8::/32'), 'reserved'], // documentation
  [range('3fff::/20'), 'reserved'], // documentation
  [range('5f00::/16'), 'reserved'], // SRv6 segment identifiers
  [range('fc00::/7'), 'unique-local'],
  [range('fe80::/10'), 'link-local'],
  [range('fec0::/10'), 'private'], // former site-local
  [range('ff00::/8'), 'multicast'],
];

// Only 2000::/3 is allocated for global unicast; anything else is not a place to fetch from.
const IPV6_GLOBAL_UNICAST = range('2000::/3');

function classifyV4(bytes: Uint8Array): AddressKind {
  for (const [r, kind] of IPV4_RANGES) if (inRange(bytes, r)) return kind;
  return 'public';
}

function classifyV6(bytes: Uint8Array): AddressClass {
  if (inRange(bytes, IPV6_UNSPECIFIED)) return { kind: 'unspecified', version: 6 };
  if (inRange(bytes, IPV6_LOOPBACK)) return { kind: 'loopback', version: 6 };
  for (const [r, form, at] of IPV6_EMBEDDINGS) {
    if (inRange(bytes, r)) {
      const v4 = bytes.subarray(at, at + 4);
      return { kind: classifyV4(v4), version: 6, embedded: { form, address: formatIPv4(v4) } };
    }
  }
  for (const [r, kind] of IPV6_RANGES) if (inRange(bytes, r)) return { kind, version: 6 };
  return { kind: inRange(bytes, IPV6_GLOBAL_UNICAST) ? 'public' : 'reserved', version: 6 };
}

/** The class of an IP address in any spelling; undefined when the text is a host name, not an address. */
export function classifyAddress(text: string): AddressClass | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  return ip.version === 4 ? { kind: classifyV4(ip.bytes), version: 4 } : classifyV6(ip.bytes);
}

/** True only for an IP address on the public internet; host names are false (resolve them first). */
export function isPublicAddress(text: string): boolean {
  return classifyAddress(text)?.kind === 'public';
}
