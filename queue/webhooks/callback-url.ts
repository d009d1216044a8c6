// Callback URLs obey the same address policy as picture fetching. Checked when a job is submitted, so a
// bad URL is refused to the user's face instead of failing silently at delivery time.
import { checkUrlResolves, parseRequestUrl } from '../media/address-policy.ts';

export const CALLBACK_FIELD = 'callback';

/** The URL when it is http(s) and its host resolves only to public addresses; a ValidationError if not. */
export async function checkCallbackUrl(
  text: string,
  opts: { allowPrivate?: boolean; field?: string } = {},
): Promise<URL> {
  const field = opts.field ?? CALLBACK_FIELD;
  const allowPrivate = opts.allowPrivate === true;
  const url = parseRequestUrl(text, field, allowPrivate);
  await checkUrlResolves(url, field, allowPrivate);
  return url;
}
