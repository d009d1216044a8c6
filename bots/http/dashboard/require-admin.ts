// The dashboard's gate. An admin key is a key record with `admin: true`, or the key named `admin` (the
// one API_KEYS_AUTO makes). Browsers cannot add a Bearer header to the dashboard's own page loads, so
// the refusal asks for HTTP Basic (any user name, the key as password); Bearer works too. With no keys
// at all the server only listens on loopback, and the dashboard is open like the rest of the API.
import type { MiddlewareHandler } from 'hono';
import { ADMIN_KEY_NAME } from '../auth/admin-key-file.ts';
import type { ApiKeyRecord } from '../auth/api-keys.ts';
import { ApiError } from '../errors/api-error.ts';
import { type HttpEnv, OPEN_OWNER } from '../http-deps.ts';
import { presentedKey } from '../middleware/presented-key.ts';
import { VerifiedKeyCache } from '../middleware/verified-key-cache.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="imagine-bot dashboard", charset="UTF-8"' };

export function isAdminKey(record: ApiKeyRecord): boolean {
  return record.admin === true || record.name === ADMIN_KEY_NAME;
}

export function requireAdmin(keys: readonly ApiKeyRecord[]): MiddlewareHandler<HttpEnv> {
  const cache = new VerifiedKeyCache(keys);
  return async (c, next) => {
    if (keys.length === 0) {
      c.set('caller', { owner: OPEN_OWNER });
      return next();
    }
    const presented = presentedKey(c.req.header('authorization'));
    const record = presented === undefined ? undefined : await cache.verify(presented);
    if (!record) {
      throw new ApiError(
        401,
        'unauthorized',
        'the dashboard needs the admin key: give it as the password (any user name), or send Authorization: Bearer <key>',
        { reason: presented === undefined ? 'missing_key' : 'invalid_key', headers: CHALLENGE },
      );
    }
    if (!isAdminKey(record)) {
      // 401 with the challenge again, so a browser asks anew instead of keeping the wrong key.
      throw new ApiError(
        401,
        'unauthorized',
        `the key "${record.name}" is not an admin key: use the key named "${ADMIN_KEY_NAME}" or one with "admin": true`,
        { reason: 'not_admin', headers: CHALLENGE },
      );
    }
    c.set('caller', { owner: record.owner, key: record });
    return next();
  };
}
