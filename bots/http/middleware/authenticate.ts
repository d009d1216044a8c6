// Who is calling. With no keys configured every caller is the one local owner (the server then only
// listens on loopback); otherwise a valid key is required and names the owner.
import type { MiddlewareHandler } from 'hono';
import type { ApiKeyRecord } from '../auth/api-keys.ts';
import { ApiError } from '../errors/api-error.ts';
import { type HttpEnv, OPEN_OWNER } from '../http-deps.ts';
import { presentedKey } from './presented-key.ts';
import { VerifiedKeyCache } from './verified-key-cache.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="imagine-bot"' };

export function authenticate(keys: readonly ApiKeyRecord[]): MiddlewareHandler<HttpEnv> {
  const cache = new VerifiedKeyCache(keys);
  return async (c, next) => {
    if (keys.length === 0) {
      c.set('caller', { owner: OPEN_OWNER });
      return next();
    }
    const presented = presentedKey(c.req.header('authorization'));
    if (presented === undefined) {
      throw new ApiError(401, 'unauthorized', 'send your API key: Authorization: Bearer <key>', {
        reason: 'missing_key',
        headers: CHALLENGE,
      });
    }
    const record = await cache.verify(presented);
    if (!record) {
      throw new ApiError(401, 'unauthorized', 'this API key is not valid', {
        reason: 'invalid_key',
        headers: CHALLENGE,
      });
    }
    c.set('caller', { owner: record.owner, key: record });
    return next();
  };
}
