// Where the server may listen. Without API keys anyone who reaches it can submit jobs, so an open
// server listens on loopback only; any other address needs keys.

const LOOPBACK_V4 = /^127(\.\d{1,3}){3}$/;

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || LOOPBACK_V4.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** Throws when the combination is unsafe; returns the line to print at start. */
export function listenPolicy(host: string, keyCount: number): string {
  if (keyCount > 0) return `${keyCount} API key${keyCount === 1 ? '' : 's'} configured: requests need one`;
  if (!isLoopbackHost(host)) {
    throw new Error(
      `refusing to listen on ${host} without API keys: anyone who reaches it could submit jobs. Set API_KEYS (or API_KEYS_AUTO=true to have an admin key made), or HOST=127.0.0.1`,
    );
  }
  return `no API keys configured: the API is open, so it listens on ${host} only (set API_KEYS to listen elsewhere)`;
}
