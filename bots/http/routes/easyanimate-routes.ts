// EasyAnimate-compatible routes under /easyanimate, behind the API key: infer_forward answers with the
// MP4 (or, for is_image, the picture) as base64, and the two update calls choose the model and edition
// later calls of the same key use.
import { Hono } from 'hono';
import { ValidationError } from '../../../core/errors.ts';
import type { ApiServices } from '../api-services.ts';
import {
  EASYANIMATE_EDITIONS,
  EasyAnimateInferSchema,
  easyAnimateFieldOf,
  easyAnimateParams,
  modelFromPath,
  wantsVideo,
} from '../compat/easyanimate-request.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HttpEnv } from '../http-deps.ts';
import { awaitFinal, failedJobError } from '../jobs/submit/await-final.ts';
import { readJson } from '../jobs/submit/read-request-body.ts';
import { bodyProblems } from '../jobs/submit/submit-body.ts';
import { submitJob } from '../jobs/submit/submit-job.ts';
import { resultPictures, resultVideo } from '../jobs/views/result-pictures.ts';
import { artifactUrl, linkBase } from '../links.ts';
import { modelsView } from './models-routes.ts';

const CHOICE_TTL_S = 30 * 24 * 3600;

async function readObject(request: Request): Promise<Record<string, unknown>> {
  const body = await readJson(request);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', problem: 'must be a JSON object' }], 'invalid request');
  }
  return body as Record<string, unknown>;
}

export function easyAnimateRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  const choiceKey = (owner: string) => s.keys.easyAnimate(owner);

  app.post('/infer_forward', async (c) => {
    const caller = c.get('caller');
    const parsed = EasyAnimateInferSchema.safeParse(await readObject(c.req.raw), { reportInput: true });
    if (!parsed.success) throw new ValidationError(bodyProblems(parsed.error, []), 'invalid request');
    const body = parsed.data;
    const chosen = (await s.redis.hget(choiceKey(caller.owner), 'model')) ?? undefined;
    const { params, problems, warnings } = easyAnimateParams(body, chosen);
    if (problems.length > 0) throw new ValidationError(problems, 'invalid request');
    const video = wantsVideo(body);
    const outcome = await submitJob(s, caller, {
      request: { kind: video ? 'animate' : 'imagine', origin: { surface: 'http' }, params },
      renameField: easyAnimateFieldOf,
    });
    const state = await awaitFinal(s, outcome.job.id, caller.owner, c.req.raw.signal);
    if (state.status !== 'done') throw failedJobError(state);
    if (video) {
      const clip = await resultVideo(s, state);
      return c.json({
        message: 'Success',
        save_sample_path: artifactUrl(linkBase(c, s.config.http.publicUrl), clip.artifact),
        base64_encoding: clip.bytes.toString('base64'),
        seed: state.job.params.seed,
        ...(clip.warnings.length + warnings.length > 0 ? { warnings: [...warnings, ...clip.warnings] } : {}),
      });
    }
    const [picture] = await resultPictures(s, state);
    return c.json({
      message: 'Success',
      save_sample_path: artifactUrl(linkBase(c, s.config.http.publicUrl), picture.artifact),
      base64_encoding: picture.bytes.toString('base64'),
      seed: picture.seed,
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  });

  app.post('/update_diffusion_transformer', async (c) => {
    const body = await readObject(c.req.raw);
    const path = body.diffusion_transformer_path ?? 'none';
    if (typeof path !== 'string') {
      throw new ValidationError(
        [{ field: 'diffusion_transformer_path', problem: 'must be a text' }],
        'invalid request',
      );
    }
    const owner = c.get('caller').owner;
    const model = modelFromPath(path);
    if (model === undefined) {
      await s.redis.hdel(choiceKey(owner), 'model');
      return c.json({ message: 'Success' });
    }
    const known = (await modelsView(s)).models.map((m) => m.name);
    if (!known.includes(model)) {
      throw new ApiError(
        404,
        'unknown_model',
        `no renderer has model ${model} (available: ${known.join(', ') || 'none'})`,
      );
    }
    await s.redis
      .multi()
      .hset(choiceKey(owner), 'model', model)
      .expire(choiceKey(owner), CHOICE_TTL_S)
      .exec();
    return c.json({ message: 'Success' });
  });

  app.post('/update_edition', async (c) => {
    const body = await readObject(c.req.raw);
    const edition = body.edition ?? 'v2';
    if (typeof edition !== 'string' || !(EASYANIMATE_EDITIONS as readonly string[]).includes(edition)) {
      throw new ValidationError(
        [{ field: 'edition', value: edition, problem: `must be one of ${EASYANIMATE_EDITIONS.join(', ')}` }],
        'invalid request',
      );
    }
    const owner = c.get('caller').owner;
    await s.redis
      .multi()
      .hset(choiceKey(owner), 'edition', edition)
      .expire(choiceKey(owner), CHOICE_TTL_S)
      .exec();
    return c.json({ message: 'Success' });
  });
  return app;
}
