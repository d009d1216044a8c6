import { describe, expect, it } from 'vitest';
import { type AddressKind, classifyAddress, isPublicAddress } from '../../../queue/media/address-class.ts';
import { parseIPv4, parseIPv6 } from '../../../queue/media/ip-address.ts';

const IPV4: [string, AddressKind][] = [
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['93.184.216.34', 'public'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['9.255.255.255', 'public'],
  ['11.0.0.0', 'public'],
  ['100.64.0.1', 'private'],
  ['100.127.255.255', 'private'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['169.253.255.255', 'public'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', 'public'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['198.20.0.0', 'public'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
];

// Spellings resolvers and URL parsers accept for the same numbers.
const IPV4_TRICKS: [string, AddressKind, string][] = [
  ['2130706433', 'loopback', '127.0.0.1'],
  ['0x7f000001', 'loopback', '127.0.0.1'],
  ['0x7f.1', 'loopback', '127.0.0.1'],
  ['0X7F.0.0.1', 'loopback', '127.0.0.1'],
  ['0177.0.0.1', 'loopback', '127.0.0.1'],
  ['017700000001', 'loopback', '127.0.0.1'],
  ['127.1', 'loopback', '127.0.0.1'],
  ['127.0.1', 'loopback', '127.0.0.1'],
  ['127.0.0.1.', 'loopback', '127.0.0.1'],
  ['0', 'unspecified', '0.0.0.0'],
  ['0x', 'unspecified', '0.0.0.0'],
  ['3232235777', 'private', '192.168.1.1'],
  ['0xa.0.0.1', 'private', '10.0.0.1'],
  ['012.0.0.1', 'private', '10.0.0.1'],
  ['0xa9.0xfe.0xa9.0xfe', 'link-local', '169.254.169.254'],
  ['169.16689662', 'link-local', '169.254.169.254'],
  ['134744072', 'public', '8.8.8.8'],
];

const IPV6: [string, AddressKind, string?][] = [
  ['::', 'unspecified'],
  ['0:0:0:0:0:0:0:0', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['2001:4860:4860::8888', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['[fe80::abcd%25en0]', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'private'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['ff0e::101', 'multicast'],
  ['100::1', 'reserved'],
  ['2001::1', 'reserved'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
  ['2001:db8::1', 'reserved'],
  ['3fff::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['4000::1', 'reserved'],
  ['1::', 'reserved'],
  ['::2:3:4:5', 'reserved'],
  ['e000::1', 'reserved'],
  ['64:ff9b:1::a00:1', 'private'],
  // IPv4 carried in IPv6, judged by the IPv4 address.
  ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
  ['::FFFF:7F00:0001', 'loopback', '127.0.0.1'],
  ['0:0:0:0:0:ffff:7f00:1', 'loopback', '127.0.0.1'],
  ['[::ffff:7f00:1]', 'loopback', '127.0.0.1'],
  ['::ffff:10.0.0.1', 'private', '10.0.0.1'],
  ['::ffff:a9fe:a9fe', 'link-local', '169.254.169.254'],
  ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0'],
  ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
  ['::127.0.0.1', 'loopback', '127.0.0.1'],
  ['::7f00:1', 'loopback', '127.0.0.1'],
  ['::c0a8:101', 'private', '192.168.1.1'],
  ['::ffff:0:127.0.0.1', 'loopback', '127.0.0.1'],
  ['::ffff:0:a00:1', 'private', '10.0.0.1'],
  ['64:ff9b::127.0.0.1', 'loopback', '127.0.0.1'],
  ['64:ff9b::a00:1', 'private', '10.0.0.1'],
  ['64:ff9b::808:808', 'public', '8.8.8.8'],
  ['2002:7f00:1::', 'loopback', '127.0.0.1'],
  ['2002:c0a8:101::1', 'private', '192.168.1.1'],
  ['2002:a9fe:a9fe:1:2:3:4:5', 'link-local', '169.254.169.254'],
  ['2002:808:808::1', 'public', '8.8.8.8'],
];

const NOT_ADDRESSES = [
  'localhost',
  'example.com',
  'images.example.org',
  '',
  '256.0.0.1',
  '1.2.3.256',
  '1.2.3.4.5',
  '1.2.16777216',
  '4294967296',
  '0x100.0.0.1',
  '08.0.0.1',
  '1..2.3',
  '-1.2.3.4',
  '1e3',
  ':::',
  '1::2::3',
  '12345::1',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '::ffff:1.2.3',
  '::ffff:1.2.3.4.5',
  '::ffff:01x.2.3.4',
  'g::1',
];

describe('classifyAddress', () => {
  it.each(IPV4)('IPv4 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toEqual({ kind, version: 4 });
  });

  it.each(IPV4_TRICKS)('numeric spelling %s is %s (%s)', (address, kind, dotted) => {
    expect(classifyAddress(address)).toEqual({ kind, version: 4 });
    expect(Array.from(parseIPv4(address)!).join('.')).toBe(dotted);
    // The URL parser reads the spelling the same way, so what we check is what a request would use.
    expect(new URL(`http://${address}/`).hostname).toBe(dotted);
  });

  it.each(IPV6)('IPv6 %s is %s', (address, kind, embedded) => {
    const found = classifyAddress(address);
    expect(found?.kind).toBe(kind);
    expect(found?.version).toBe(6);
    expect(found?.embedded?.address).toBe(embedded);
  });

  it('names the form an embedded IPv4 address came in', () => {
    expect(classifyAddress('::ffff:127.0.0.1')?.embedded?.form).toBe('ipv4-mapped');
    expect(classifyAddress('::127.0.0.1')?.embedded?.form).toBe('ipv4-compatible');
    expect(classifyAddress('::ffff:0:127.0.0.1')?.embedded?.form).toBe('ipv4-translated');
    expect(classifyAddress('64:ff9b::127.0.0.1')?.embedded?.form).toBe('nat64');
    expect(classifyAddress('2002:7f00:1::')?.embedded?.form).toBe('6to4');
  });

  it.each(NOT_ADDRESSES)('%j is not an address', (text) => {
    expect(classifyAddress(text)).toBeUndefined();
    expect(isPublicAddress(text)).toBe(false);
  });

  it('is public only for public addresses', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700:4700::1111')).toBe(true);
    expect(isPublicAddress('127.0.0.1')).toBe(false);
    expect(isPublicAddress('::ffff:127.0.0.1')).toBe(false);
  });
});

describe('parseIPv6', () => {
  it('expands :: and embedded dotted quads to 16 bytes', () => {
    expect(Buffer.from(parseIPv6('1:2::ffff:1.2.3.4')!).toString('hex')).toBe(
      '00010002000000000000ffff01020304',
    );
    expect(Buffer.from(parseIPv6('::')!).toString('hex')).toBe('0'.repeat(32));
    expect(Buffer.from(parseIPv6('1:2:3:4:5:6:7::')!).toString('hex')).toBe(
      '00010002000300040005000600070000',
    );
  });
});
