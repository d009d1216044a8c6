// POST /hooks/:name: a signed payload from another service becomes a job, as the hook's config says
// (template to params, destination to origin). 401 for a missing, bad, stale or replayed signature.
// A request refused after its signature was checked (a bad payload, a limit, a destination that no
// longer resolves to a public address) is forgotten again, so the sender's retry is not a "replay".
import { Hono } from 'hono';
import { ValidationError } from '../../../core/errors.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import { applyHookTemplate } from '../hooks/hook-template.ts';
import { verifyHookSignature } from '../hooks/verify-hook-signature.ts';
import type { HttpEnv } from '../http-deps.ts';
import type { HookConfig } from '../inbound/hook-config.ts';
import { destinationOrigin } from '../inbound/hook-destinations.ts';
import { markSignedRequest } from '../inbound/replay-guard.ts';
import { jsonDepthOver, tooDeepText } from '../jobs/submit/read-request-body.ts';
import { submitJob } from '../jobs/submit/submit-job.ts';

const REASONS: Record<string, string> = {
  missing_signature: 'the request is not signed: send x-hook-timestamp and x-hook-signature',
  bad_timestamp: 'the signature timestamp is not unix seconds',
  stale_timestamp:
    'the signature timestamp is more than 5 minutes away from now (or the request is replayed)',
  bad_signature: 'the signature does not match the body',
  replayed: 'this signed request was received before',
};

function unauthorized(reason: string): ApiError {
  return new ApiError(401, 'unauthorized', REASONS[reason] ?? 'the signature is not valid', { reason });
}

function parsePayload(body: Uint8Array): unknown {
  const text = Buffer.from(body).toString('utf8');
  if (jsonDepthOver(text)) {
    throw new ValidationError([{ field: 'body', problem: tooDeepText() }], 'invalid hook payload');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: 'body', problem: 'must be JSON' }], 'invalid hook payload');
  }
}

/** The params a payload gives; a problem names the param (`params.seed`), not the config path. */
function paramsFromPayload(hook: HookConfig, payload: unknown, maxChars: number) {
  try {
    return applyHookTemplate(hook.template, payload, { maxChars });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const prefix = `${hook.template.field}.`;
    const problems = err.problems.map((p) => ({
      ...p,
      field: p.field.startsWith(prefix) ? `params.${p.field.slice(prefix.length)}` : p.field,
    }));
    throw new ValidationError(problems, 'the payload does not fill the hook template');
  }
}

/** The destination is a server setting: a problem with it is not the sender's, and says which hook. */
function destinationProblem(hook: HookConfig, err: ValidationError): ApiError | undefined {
  const problem = err.problems.find((p) => p.field === 'callbackUrl');
  if (!problem) return undefined;
  return new ApiError(
    503,
    'hook_destination_refused',
    `the hook ${hook.name} cannot deliver: its destination ${problem.problem} (a HOOKS setting of this server)`,
  );
}

export function hooksRoutes(s: ApiServices, hooks: readonly HookConfig[]): Hono<HttpEnv> {
  const byName = new Map(hooks.map((h) => [h.name, h]));
  const app = new Hono<HttpEnv>();
  app.post('/:name', async (c) => {
    const name = c.req.param('name');
    const hook = byName.get(name);
    if (!hook) throw new ApiError(404, 'not_found', `no hook ${name.slice(0, 64)}`);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const headers = c.req.raw.headers;
    const verified = verifyHookSignature(hook.secret, headers, body);
    if (!verified.ok) throw unauthorized(verified.reason);
    const mark = await markSignedRequest(s.redis, s.keys, hook.name, verified.signed);
    if (!mark.first) throw unauthorized('replayed');
    try {
      const params = paramsFromPayload(hook, parsePayload(body), s.config.limits.maxPromptChars);
      const outcome = await submitJob(
        s,
        { owner: `hook:${hook.name}` },
        {
          request: {
            kind: 'imagine',
            origin: destinationOrigin(hook.destination, hook.name, s.config),
            params: { prompt: '', ...params },
          },
        },
      );
      return c.json({ id: outcome.job.id, status: outcome.status, queue: outcome.position }, 202);
    } catch (err) {
      await mark.release().catch(() => undefined);
      throw (err instanceof ValidationError && destinationProblem(hook, err)) || err;
    }
  });
  return app;
}
