// Injected 429s, with the body and headers discord.js's REST client reads (Retry-After,
// X-RateLimit-*), so a test can see the bot wait and retry instead of failing or giving up.

export interface RateLimitRule {
  /** HTTP method to limit; any when omitted. */
  method?: string;
  /**
   * Which requests: a route template as recorded (`/webhooks/:app/:token/messages/:message`),
   * a RegExp tested on the path (after /api/v10), or a predicate.
   */
  route?: string | RegExp | ((method: string, path: string, route: string | null) => boolean);
  /** How many requests get a 429 before the route works again (default 1). */
  times?: number;
  /** retry_after in ms (default 200); sent in seconds with decimals, as Discord's body does. */
  retryAfterMs?: number;
  /** A global limit (X-RateLimit-Global), which stops all of discord.js's requests. */
  global?: boolean;
  scope?: 'user' | 'global' | 'shared';
}

interface ActiveRule extends RateLimitRule {
  left: number;
}

export interface RateLimitAnswer {
  status: 429;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export class RateLimits {
  private readonly rules: ActiveRule[] = [];

  add(rule: RateLimitRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** A 429 for this request if a rule with requests left matches it. */
  check(method: string, path: string, route: string | null): RateLimitAnswer | null {
    const rule = this.rules.find((r) => r.left > 0 && matches(r, method, path, route));
    if (!rule) return null;
    rule.left -= 1;
    const seconds = (rule.retryAfterMs ?? 200) / 1000;
    const scope = rule.scope ?? (rule.global ? 'global' : 'user');
    const headers: Record<string, string> = {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.now() / 1000 + seconds),
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': `fake-${(route ?? path).replace(/[^a-z]/gi, '').slice(0, 24)}`,
      'x-ratelimit-scope': scope,
    };
    if (rule.global) headers['x-ratelimit-global'] = 'true';
    return {
      status: 429,
      headers,
      body: {
        message: 'You are being rate limited.',
        retry_after: seconds,
        global: Boolean(rule.global),
        code: 0,
      },
    };
  }
}

function matches(rule: RateLimitRule, method: string, path: string, route: string | null): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  const r = rule.route;
  if (r === undefined) return true;
  if (typeof r === 'string') return r === route || r === path;
  if (r instanceof RegExp) return r.test(path);
  return r(method, path, route);
}
