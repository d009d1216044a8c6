// AUTOMATIC1111-compatible routes under /sdapi/v1, behind the API key: txt2img and img2img answer when
// the pictures are ready (an interrupted one with the picture as far as it got); progress, interrupt,
// png-info and the lists clients read at start (options, samplers, schedulers, upscalers, sd-models)
// answer as A1111 does.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { A1111_SAMPLER_NAMES } from '../../../core/a1111/sampler-names.ts';
import { ValidationError } from '../../../core/errors.ts';
import type { Inputs } from '../../../core/job/references.ts';
import type { ApiServices } from '../api-services.ts';
import { interruptedPictures } from '../compat/a1111-interrupted.ts';
import { A1111_SCHEDULERS, A1111_UPSCALERS } from '../compat/a1111-menus.ts';
import { a1111Options, readA1111OptionsChange } from '../compat/a1111-options.ts';
import { A1111PngInfoSchema, a1111PngInfo } from '../compat/a1111-png-info.ts';
import { a1111Progress } from '../compat/a1111-progress.ts';
import {
  A1111Img2ImgSchema,
  A1111Txt2ImgSchema,
  a1111FieldOf,
  a1111Params,
  asDataUri,
} from '../compat/a1111-request.ts';
import { a1111Answer } from '../compat/a1111-response.ts';
import type { HttpEnv } from '../http-deps.ts';
import { awaitFinal, failedJobError } from '../jobs/submit/await-final.ts';
import type { CheckedUpload } from '../jobs/submit/check-upload.ts';
import { readIdempotencyKey } from '../jobs/submit/idempotency.ts';
import { resolveMediaInput } from '../jobs/submit/media-input.ts';
import { readJson } from '../jobs/submit/read-request-body.ts';
import { bodyProblems } from '../jobs/submit/submit-body.ts';
import { submitJob } from '../jobs/submit/submit-job.ts';
import { resultPictures } from '../jobs/views/result-pictures.ts';
import { modelsView } from './models-routes.ts';

const DAY_S = 24 * 3600;
const CHOICE_TTL_S = 30 * DAY_S;

/** The checkpoint the caller chose with POST /sdapi/v1/options, else the default model. */
async function chosenModel(s: ApiServices, owner: string): Promise<string> {
  return (await s.redis.get(s.keys.a1111Model(owner))) ?? s.config.defaultModel;
}

async function readObject(c: Context<HttpEnv>): Promise<Record<string, unknown>> {
  const raw = await readJson(c.req.raw);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError([{ field: 'body', problem: 'must be a JSON object' }], 'invalid request');
  }
  return raw as Record<string, unknown>;
}

async function generate(s: ApiServices, c: Context<HttpEnv>, mode: 'txt2img' | 'img2img') {
  const caller = c.get('caller');
  const idempotencyKey = readIdempotencyKey(c.req.header('idempotency-key'));
  const raw = await readObject(c);
  const schema = mode === 'txt2img' ? A1111Txt2ImgSchema : A1111Img2ImgSchema;
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ValidationError(bodyProblems(parsed.error, []), 'invalid request');
  const body = parsed.data as Parameters<typeof a1111Params>[0];
  const { params, problems } = a1111Params(body);
  if (problems.length > 0) throw new ValidationError(problems, 'invalid request');
  params.model ??= await chosenModel(s, caller.owner);
  const inputs: Inputs = {};
  const uploads: CheckedUpload[] = [];
  if (mode === 'img2img') {
    const pictures = { init_images: body.init_images?.[0], mask: body.mask };
    for (const [field, picture] of Object.entries(pictures)) {
      if (!picture) continue;
      const resolved = await resolveMediaInput(field, asDataUri(picture), s);
      inputs[field === 'mask' ? 'mask' : 'image'] = resolved.ref;
      if (resolved.upload) uploads.push(resolved.upload);
    }
  }
  const kind = mode === 'txt2img' ? 'imagine' : inputs.mask ? 'inpaint' : 'remix';
  const outcome = await submitJob(s, caller, {
    request: {
      kind,
      origin: { surface: 'http', compat: 'a1111' },
      params,
      inputs,
      // A1111's own CFG default gives way to a model's (a Turbo's 0), as the server's does.
      ...(body.cfg_scale === undefined || body.cfg_scale === null
        ? { defaulted: ['guidance' as const] }
        : {}),
    },
    uploads,
    idempotencyKey,
    renameField: a1111FieldOf,
  });
  await s.redis.set(s.keys.a1111Current(caller.owner), outcome.job.id, 'EX', DAY_S);
  const state = await awaitFinal(s, outcome.job.id, caller.owner, c.req.raw.signal);
  // Interrupted (or cancelled another way): A1111 answers with what it drew so far.
  const pictures =
    state.status === 'cancelled'
      ? await interruptedPictures(s, state)
      : state.status === 'done'
        ? await resultPictures(s, state)
        : undefined;
  if (!pictures) throw failedJobError(state);
  return c.json(await a1111Answer(state.job, pictures, raw, state.createdAt));
}

export function a1111Routes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  app.post('/txt2img', (c) => generate(s, c, 'txt2img'));
  app.post('/img2img', (c) => generate(s, c, 'img2img'));

  app.get('/progress', async (c) => {
    const jobId = await s.redis.get(s.keys.a1111Current(c.get('caller').owner));
    const state = jobId ? await s.orchestrator.state(jobId) : undefined;
    const skip = ['true', '1'].includes((c.req.query('skip_current_image') ?? '').toLowerCase());
    return c.json(await a1111Progress(s, state, !skip));
  });

  app.post('/interrupt', async (c) => {
    const owner = c.get('caller').owner;
    const jobId = await s.redis.get(s.keys.a1111Current(owner));
    if (jobId) await s.orchestrator.cancel(jobId, owner, 'interrupted').catch(() => undefined);
    return c.json({});
  });

  app.get('/samplers', (c) =>
    c.json(
      Object.entries(A1111_SAMPLER_NAMES).map(([ours, name]) => ({ name, aliases: [ours], options: {} })),
    ),
  );

  app.get('/schedulers', (c) => c.json(A1111_SCHEDULERS));
  app.get('/upscalers', (c) => c.json(A1111_UPSCALERS));
  app.get('/options', async (c) => c.json(a1111Options(await chosenModel(s, c.get('caller').owner))));

  app.post('/options', async (c) => {
    const owner = c.get('caller').owner;
    const { models } = await modelsView(s);
    const change = readA1111OptionsChange(
      await readObject(c),
      models.map((m) => m.name),
    );
    if (change.problems.length > 0) throw new ValidationError(change.problems, 'invalid options');
    if (change.model) await s.redis.set(s.keys.a1111Model(owner), change.model, 'EX', CHOICE_TTL_S);
    // A1111 answers a settings change with null.
    return c.json(null);
  });

  app.post('/png-info', async (c) => {
    const parsed = A1111PngInfoSchema.safeParse(await readObject(c), { reportInput: true });
    if (!parsed.success) throw new ValidationError(bodyProblems(parsed.error, []), 'invalid request');
    return c.json(await a1111PngInfo(parsed.data.image, s.limits));
  });

  app.get('/sd-models', async (c) => {
    const { models } = await modelsView(s);
    return c.json(
      models.map((m) => ({
        title: m.name,
        model_name: m.name,
        hash: null,
        sha256: null,
        filename: m.name,
        config: null,
        // Not in A1111's answer; clients ignore it, and it tells SDXL checkpoints from SD 1.5 ones.
        family: m.family ?? null,
      })),
    );
  });
  return app;
}
