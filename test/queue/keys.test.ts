// Key names: a surface's own keys sit under the stack's prefix, built by the key module rather than
// cut out of another key's name.
import { describe, expect, it } from 'vitest';
import { httpKeys } from '../../bots/http/http-keys.ts';
import { makeKeys } from '../../queue/orchestrator/keys.ts';

describe('keys', () => {
  it('names scoped keys under the prefix', () => {
    const keys = makeKeys('stack-a');
    expect(keys.prefix).toBe('stack-a');
    expect(keys.scoped('http', 'rate', 'ci')).toBe('stack-a:http:rate:ci');
  });

  it('keeps the HTTP surface keys where they were', () => {
    const http = httpKeys(makeKeys('img'));
    expect(http.keyRate('ci')).toBe('img:http:rate:ci');
    expect(http.keyDay('ci', '2026-12-01')).toBe('img:http:day:ci:2026-12-01');
    expect(http.hookReplay('gh', 'sig')).toBe('img:http:replay:gh:sig');
    expect(http.a1111Current('u')).toBe('img:http:a1111:u');
    expect(http.a1111Model('u')).toBe('img:http:a1111-model:u');
    expect(http.easyAnimate('u')).toBe('img:http:easyanimate:u');
    expect(http.idempotency('u', 'k')).toBe('img:idem:u:k');
  });
});
