// The API key a request presents. `Bearer <key>` is the documented form; AUTOMATIC1111 clients send
// HTTP Basic (`--api-auth user:password`, the password is the key) and some EasyAnimate scripts send the
// bare key, so both are read too.

export function presentedKey(authorization: string | undefined): string | undefined {
  const header = authorization?.trim();
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return header;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (value === '') return undefined;
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1) || undefined;
  }
  return undefined;
}
