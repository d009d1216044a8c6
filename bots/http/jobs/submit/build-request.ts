// From a POST /v1/jobs body to a job request: the prompt's flags read, explicit params laid over them,
// pictures resolved to references (uploads checked and kept aside to be stored on submit).
import type { Config } from '../../../../core/config/config.ts';
import { type FieldProblem, formatProblem, ValidationError } from '../../../../core/errors.ts';
import { parsePrompt } from '../../../../core/flags/parse.ts';
import { createJob } from '../../../../core/job/job.ts';
import type { Inputs } from '../../../../core/job/references.ts';
import type { ArtifactStore } from '../../../../queue/artifacts/artifact-store.ts';
import type { HttpLimits } from '../../http-deps.ts';
import type { CheckedUpload } from './check-upload.ts';
import { type MediaInput, resolveMediaInput } from './media-input.ts';
import type { RequestBody } from './read-request-body.ts';
import { bodyFieldOf, bodyProblems, type SubmitBody, SubmitBodySchema } from './submit-body.ts';
import type { SubmitRequest } from './submit-job.ts';

export interface BuiltRequest {
  request: SubmitRequest;
  uploads: CheckedUpload[];
}

export interface BuildDeps {
  config: Config;
  artifacts: ArtifactStore;
  limits: HttpLimits;
}

/**
 * The body's envelope, and the problems of the fields that failed it. Failed fields are left out so the
 * rest can still be checked: one answer names every mistake.
 */
export function parseSubmitBody(fields: unknown): { body: SubmitBody; problems: FieldProblem[] } {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new ValidationError([
      { field: 'body', problem: 'must be a JSON object, e.g. {"prompt": "a fox"}' },
    ]);
  }
  const parsed = SubmitBodySchema.safeParse(fields, { reportInput: true });
  if (parsed.success) return { body: parsed.data, problems: [] };
  const problems = bodyProblems(parsed.error, Object.keys(SubmitBodySchema.shape));
  const failed = new Set(problems.map((p) => p.field.split('.')[0]));
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => !failed.has(k)));
  const retry = SubmitBodySchema.safeParse(rest);
  if (!retry.success) throw new ValidationError(problems, 'invalid request');
  return { body: retry.data, problems };
}

/** Every problem of a request whose envelope already had some: the job schema's are added. */
function allProblems(request: SubmitRequest, deps: BuildDeps, envelope: FieldProblem[]): ValidationError {
  const problems = [...envelope];
  try {
    createJob(
      { ...request, owner: 'key:check' },
      { limits: deps.config.limits, defaults: deps.config.defaults },
    );
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const seen = new Set(envelope.map((p) => p.field));
    for (const p of err.problems) {
      const field = bodyFieldOf(p.field);
      if (!seen.has(field)) problems.push({ ...p, field });
    }
  }
  return new ValidationError(problems, 'invalid request');
}

/** Prompt text and the params its flags set; flag problems are filed under `prompt`. */
export function readPromptFlags(
  text: string,
  config: Config,
  video = false,
): { prompt: string; params: Record<string, unknown> } {
  try {
    const parsed = parsePrompt(text, { limits: config.limits, defaults: config.defaults, video });
    return { prompt: parsed.prompt, params: { ...parsed.params } };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(
      err.problems.map((p) => ({ field: 'prompt', problem: formatProblem(p) })),
      'cannot read the prompt',
    );
  }
}

/** Explicit params over the prompt's flags; `video` and `mask` merge field by field. */
export function mergeParams(
  fromFlags: Record<string, unknown>,
  explicit: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fromFlags, ...explicit };
  // An explicit width or height wins over the prompt's --ar, ratio and all.
  if ((explicit.width !== undefined || explicit.height !== undefined) && explicit.aspectRatio === undefined)
    delete out.aspectRatio;
  for (const nested of ['video', 'mask']) {
    const a = fromFlags[nested];
    const b = explicit[nested];
    if (a && typeof a === 'object' && b && typeof b === 'object' && !Array.isArray(b))
      out[nested] = { ...a, ...b };
  }
  return out;
}

export async function buildJobRequest(body: RequestBody, deps: BuildDeps): Promise<BuiltRequest> {
  const { files } = body;
  const { body: fields, problems } = parseSubmitBody(body.fields);
  const unknownFiles = Object.keys(files).filter((name) => name !== 'image' && name !== 'mask');
  if (unknownFiles.length > 0) {
    throw new ValidationError(
      unknownFiles.map((f) => ({ field: f, problem: 'is not a file this API takes (image, mask)' })),
    );
  }
  const explicit = fields.params ?? {};
  const text = fields.prompt ?? (typeof explicit.prompt === 'string' ? explicit.prompt : '');
  const { prompt, params } = readPromptFlags(text, deps.config, fields.kind === 'animate');
  const inputs: Inputs = {};
  const uploads: CheckedUpload[] = [];
  for (const field of ['image', 'mask'] as const) {
    const given: MediaInput | undefined = files[field] ?? fields[field];
    if (given === undefined) continue;
    const resolved = await resolveMediaInput(field, given, deps);
    inputs[field] = resolved.ref;
    if (resolved.upload) uploads.push(resolved.upload);
  }
  const kind = fields.kind ?? (inputs.mask ? 'inpaint' : inputs.image ? 'remix' : 'imagine');
  const request: SubmitRequest = {
    kind,
    origin: {
      surface: 'http',
      ...(fields.callbackUrl !== undefined ? { callbackUrl: fields.callbackUrl } : {}),
      ...(fields.callbackEvents !== undefined ? { callbackEvents: fields.callbackEvents } : {}),
    },
    params: { ...mergeParams(params, explicit), prompt },
    inputs,
    ...(fields.priority !== undefined ? { priority: fields.priority } : {}),
    ...(fields.deadline !== undefined ? { deadline: fields.deadline } : {}),
    // The job schema checks the parent's shape with the rest of the request.
    ...(fields.parent !== undefined ? { parent: fields.parent as SubmitRequest['parent'] } : {}),
  };
  if (problems.length > 0) throw allProblems(request, deps, problems);
  return { request, uploads };
}
