import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHookBody } from '../../../bots/http/hooks/verify-hook-signature.ts';
import { parseHookConfigs } from '../../../bots/http/inbound/hook-config.ts';
import { ValidationError } from '../../../core/errors.ts';
import { signWebhook } from '../../../queue/webhooks/sign-webhook.ts';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

const SECRET = 'hook-secret-0123456789';
const RESULT_URL = 'https://results.example.com/in';
let h: Harness;

beforeAll(async () => {
  const hooks = parseHookConfigs(
    [
      {
        name: 'github',
        secret: SECRET,
        template: {
          prompt: '{{issue.title}} in watercolor',
          negativePrompt: "{{ negative | default: 'blurry' }}",
          seed: '{{seed}}',
        },
        destination: { type: 'callback', url: RESULT_URL, events: ['done', 'failed'] },
      },
    ],
    { callbackSecret: 'x'.repeat(16) },
  );
  h = await startHarness({ name: 'hooks', deps: { hooks } });
});
afterAll(async () => {
  await h?.close();
});

const nowSec = () => Math.floor(Date.now() / 1000);

function post(body: string, headers: Record<string, string>, name = 'github') {
  return h.fetch(`/hooks/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('POST /hooks/:name', () => {
  it('a good signature makes a job as the hook config says', async () => {
    const body = JSON.stringify({ issue: { title: 'A lighthouse at dusk' }, seed: 42 });
    const res = await post(body, signHookBody(SECRET, body, nowSec()));
    expect(res.status).toBe(202);
    const { id, status } = await bodyOf(res);
    expect(status).toBe('ingesting');
    const state = await h.stack.system.orchestrator.state(id);
    expect(state?.job.owner).toBe('hook:github');
    expect(state?.job.origin).toEqual({
      surface: 'http',
      callbackUrl: RESULT_URL,
      callbackEvents: ['done', 'failed'],
      hook: 'github',
    });
    expect(state?.job.params).toMatchObject({
      prompt: 'A lighthouse at dusk in watercolor',
      negativePrompt: 'blurry',
      seed: 42,
    });
  });

  it('accepts Standard Webhooks headers signed with the hook secret', async () => {
    const body = JSON.stringify({ issue: { title: 'A red barn' } });
    const headers = signWebhook(SECRET, { id: 'msg_1', timestamp: nowSec(), body });
    expect((await post(body, headers)).status).toBe(202);
  });

  it('401 for a bad, missing, stale or replayed signature, with the reason', async () => {
    const body = JSON.stringify({ issue: { title: 'A fox' } });
    const reasonOf = async (res: Response) => {
      expect(res.status).toBe(401);
      return (await bodyOf(res)).error.reason;
    };
    expect(await reasonOf(await post(body, signHookBody('another-secret-000000', body, nowSec())))).toBe(
      'bad_signature',
    );
    expect(await reasonOf(await post(body, {}))).toBe('missing_signature');
    const stale = signHookBody(SECRET, body, nowSec() - 600);
    expect(await reasonOf(await post(body, stale))).toBe('stale_timestamp');
    const tampered = signHookBody(SECRET, body, nowSec());
    expect(await reasonOf(await post(body.replace('fox', 'wolf'), tampered))).toBe('bad_signature');
    const fresh = signHookBody(SECRET, body, nowSec());
    expect((await post(body, fresh)).status).toBe(202);
    expect(await reasonOf(await post(body, fresh))).toBe('replayed');
    expect(
      await reasonOf(await post(body, { 'x-hook-signature': 'sha256=00', 'x-hook-timestamp': 'soon' })),
    ).toBe('bad_timestamp');
  });

  it('404 for an unknown hook; 400 naming the param a payload cannot fill', async () => {
    const body = JSON.stringify({ issue: { title: 'x' }, seed: 'lucky' });
    expect((await post(body, signHookBody(SECRET, body, nowSec()), 'gitlab')).status).toBe(404);
    const res = await post(body, signHookBody(SECRET, body, nowSec()));
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.problems[0]).toMatchObject({ field: 'params.seed', value: 'lucky' });
    const notJson = 'title=x';
    const bad = await post(notJson, signHookBody(SECRET, notJson, nowSec()));
    expect(bad.status).toBe(400);
  });

  it('checks hook configs at start, naming every problem', () => {
    let problems: { field: string; problem: string }[] = [];
    try {
      parseHookConfigs(
        [
          {
            name: 'a',
            secret: 'short',
            template: { prompt: '{{title' },
            destination: { type: 'callback', url: 'https://x.example' },
          },
          { name: 'b', secret: SECRET, template: { promt: '{{title}}' }, destination: { type: 'pigeon' } },
        ],
        {},
      );
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      problems = (err as ValidationError).problems;
    }
    expect(problems.map((p) => p.field)).toEqual(['HOOKS.0.secret', 'HOOKS.1.destination.type']);
    try {
      parseHookConfigs(
        [
          {
            name: 'a',
            secret: SECRET,
            template: { prompt: '{{title', promt: 'x' },
            destination: { type: 'callback', url: 'https://x.example' },
          },
        ],
        {},
      );
    } catch (err) {
      problems = (err as ValidationError).problems;
    }
    expect(problems.map((p) => p.field)).toEqual([
      'HOOKS.0.destination',
      'HOOKS.0.template.prompt',
      'HOOKS.0.template.promt',
    ]);
    expect(problems[0].problem).toContain('CALLBACK_SECRET');
  });
});
