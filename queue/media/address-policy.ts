// Which URLs and addresses a server-side request may go to. The check that matters runs inside the
// socket's DNS lookup, on the very addresses it is about to connect to, so a name that resolves to a
// public address when checked and to a private one when used (DNS rebinding) gets nowhere.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress } from './address-class.ts';
import { fetchProblems } from './fetch-problems.ts';

/** An http(s) URL, or the user-facing reason it is not one; `base` resolves a relative redirect. */
export function parseHttpUrl(text: string | URL, field: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw fetchProblems.notAUrl(field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fetchProblems.badProtocol(field);
  return url;
}

/** A URL we may request: parses, is http(s), and if its host is an IP literal that is allowed. */
export function parseRequestUrl(text: string | URL, field: string, allowPrivate: boolean): URL {
  const url = parseHttpUrl(text, field);
  // The URL parser has already turned numeric spellings (`2130706433`, `0x7f.1`) into dotted quads.
  // Node connects to an IP literal without any lookup, so literals are checked here.
  const literal = hostAddress(url);
  if (literal !== undefined) checkAddress(literal, field, allowPrivate);
  return url;
}

/** The host of a URL as an IP address without brackets, or undefined when it is a name. */
export function hostAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return classifyAddress(host) ? host : undefined;
}

export function checkAddress(address: string, field: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  if (classifyAddress(address)?.kind !== 'public') throw fetchProblems.privateAddress(field);
}

/**
 * A `lookup` for http(s).request that resolves every address of the name and refuses them all when any
 * is not public: the socket can only connect to an address that passed.
 */
export function guardedLookup(field: string, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      try {
        for (const a of addresses) checkAddress(a.address, field, allowPrivate);
      } catch (refusal) {
        return callback(refusal as NodeJS.ErrnoException, '');
      }
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      }
      // Node asks for every address when it tries families in turn (autoSelectFamily), one otherwise.
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Resolves a URL's host now and checks every address. For transports that cannot take our lookup
 * (a caller's fetch), and for refusing a bad URL when it is given rather than when it is first used.
 */
export async function checkUrlResolves(url: URL, field: string, allowPrivate: boolean): Promise<void> {
  if (hostAddress(url) !== undefined || allowPrivate) return;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(url.hostname, { all: true });
  } catch (err) {
    throw fetchProblems.unreachable(field, err);
  }
  for (const a of addresses) checkAddress(a.address, field, allowPrivate);
}

/**
 * Like checkUrlResolves, for checks made ahead of use (at submit, at start): a URL that is or resolves
 * to a private address is refused, but a name that does not resolve now is left to the request itself
 * (DNS may be down for a moment; the connect-time check still guards), and said so: 'unresolved'.
 */
export async function checkUrlAhead(
  text: string,
  field: string,
  allowPrivate: boolean,
): Promise<'checked' | 'unresolved'> {
  const url = parseRequestUrl(text, field, allowPrivate);
  if (hostAddress(url) !== undefined || allowPrivate) return 'checked';
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(url.hostname, { all: true });
  } catch {
    return 'unresolved';
  }
  for (const a of addresses) checkAddress(a.address, field, allowPrivate);
  return 'checked';
}
