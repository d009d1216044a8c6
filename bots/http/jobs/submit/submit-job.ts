// The one way every HTTP route submits a job: validate, check the callback URL, honour Idempotency-Key,
// check media URLs and the parent job, take the key's allowance, store uploaded pictures, then hand the
// job to the orchestrator. Whatever fails after a reservation gives it back.
import { ValidationError } from '../../../../core/errors.ts';
import type { JobStatus } from '../../../../core/flows/flow-types.ts';
import { createJob, type Job, type JobRequest } from '../../../../core/job/job.ts';
import type { EncodedOutput } from '../../../../queue/components/encode-image.ts';
import { checkUrlAhead } from '../../../../queue/media/address-policy.ts';
import type { QueuePosition } from '../../../../queue/orchestrator/queue-position.ts';
import { checkCallbackUrl } from '../../../../queue/webhooks/callback-url.ts';
import type { ApiServices } from '../../api-services.ts';
import { ApiError } from '../../errors/api-error.ts';
import type { Caller } from '../../http-deps.ts';
import { takeKeyAllowance } from '../../limits/key-limits.ts';
import type { CheckedUpload } from './check-upload.ts';
import { canonicalHash, claimIdempotencyKey } from './idempotency.ts';

/**
 * A job request as a route builds it, without its owner (the caller is the owner). Its params are the
 * client's, still unchecked: createJob checks them with the rest.
 */
export type SubmitRequest = Omit<JobRequest, 'owner' | 'params'> & { params: Record<string, unknown> };

export interface SubmitInput {
  request: SubmitRequest;
  uploads?: readonly CheckedUpload[];
  idempotencyKey?: string;
  /** Renames the job schema's field paths to what the client sent (`inputs.image` -> `image`). */
  renameField?: (field: string) => string;
}

export interface SubmitOutcome {
  job: Job;
  status: JobStatus;
  /** True when an Idempotency-Key repeat returned the earlier job. */
  replayed: boolean;
  position: QueuePosition;
}

function buildJob(s: ApiServices, caller: Caller, input: SubmitInput): Job {
  try {
    return createJob(
      { ...input.request, owner: caller.owner },
      { limits: s.config.limits, defaults: s.config.defaults },
    );
  } catch (err) {
    if (!(err instanceof ValidationError) || !input.renameField) throw err;
    const rename = input.renameField;
    throw new ValidationError(
      err.problems.map((p) => ({ ...p, field: rename(p.field) })),
      'invalid job',
    );
  }
}

async function checkCallback(s: ApiServices, job: Job): Promise<void> {
  if (job.origin.surface !== 'http' || !job.origin.callbackUrl) return;
  if (!s.config.callbackSecret) {
    throw new ValidationError([
      {
        field: 'callbackUrl',
        problem: 'cannot be used: this server has no CALLBACK_SECRET to sign callbacks',
      },
    ]);
  }
  await checkCallbackUrl(job.origin.callbackUrl, {
    allowPrivate: s.allowPrivateCallbacks,
    field: 'callbackUrl',
  });
}

// A job's picture URLs are checked when it is submitted: one that points at a private address is a 400
// now, not a failed job later. fetch-media checks again when it connects (DNS may change in between).
export async function checkMediaUrls(job: Job, allowPrivate: boolean): Promise<void> {
  const problems = [];
  for (const field of ['image', 'mask'] as const) {
    const ref = job.inputs[field];
    if (ref?.type !== 'url') continue;
    try {
      await checkUrlAhead(ref.url, field, allowPrivate);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems.map((p) => ({ ...p, value: ref.url })));
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, 'invalid job');
}

// A job may build on an earlier one (`parent`: upscale, variation) only when that job is the caller's
// and has pictures. Someone else's job reads the same as no job, so ids of others cannot be probed.
export async function checkParent(s: ApiServices, caller: Caller, job: Job): Promise<void> {
  if (!job.parent) return;
  const { jobId, index } = job.parent;
  const parent = await s.orchestrator.state(jobId);
  if (!parent || parent.job.owner !== caller.owner) {
    throw new ValidationError([{ field: 'parent.jobId', value: jobId, problem: 'is not a job of yours' }]);
  }
  if (parent.status !== 'done') {
    throw new ValidationError([
      {
        field: 'parent.jobId',
        value: jobId,
        problem: `is ${parent.status}: only a finished job's pictures can be used`,
      },
    ]);
  }
  const count = (parent.outputs['encode-image'] as EncodedOutput | undefined)?.images.length ?? 0;
  if (index >= count) {
    throw new ValidationError([{ field: 'parent.index', value: index, problem: `must be below ${count}` }]);
  }
}

/** The earlier job of an Idempotency-Key; a concurrent first request may still be submitting it. */
async function replayOf(s: ApiServices, jobId: string): Promise<SubmitOutcome> {
  for (let waited = 0; waited <= 3000; waited += 50) {
    const state = await s.orchestrator.state(jobId);
    if (state) {
      return {
        job: state.job,
        status: state.status,
        replayed: true,
        position: await s.orchestrator.position(jobId),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ApiError(
    409,
    'idempotency_in_progress',
    'a request with this Idempotency-Key is still being processed: try again shortly',
    {
      retryAfterMs: 1000,
    },
  );
}

export async function submitJob(s: ApiServices, caller: Caller, input: SubmitInput): Promise<SubmitOutcome> {
  const job = buildJob(s, caller, input);
  await checkCallback(s, job);
  await checkMediaUrls(job, s.allowPrivateCallbacks);
  await checkParent(s, caller, job);
  const undo: (() => Promise<void>)[] = [];
  try {
    if (input.idempotencyKey !== undefined) {
      const claim = await claimIdempotencyKey(s.redis, s.keys, {
        owner: caller.owner,
        key: input.idempotencyKey,
        hash: canonicalHash(input.request),
        jobId: job.id,
        ttlMs: s.limits.idempotencyTtlMs,
      });
      if (claim.kind === 'replay') return await replayOf(s, claim.jobId);
      undo.push(claim.release);
    }
    if (caller.key) undo.push((await takeKeyAllowance(s.redis, s.keys, caller.key)).refund);
    for (const upload of input.uploads ?? []) {
      await s.artifacts.put(upload.bytes, upload.contentType, {
        ttlMs: s.limits.uploadTtlMs,
        ...(upload.artifactId ? { id: upload.artifactId } : {}),
      });
    }
    const submitted = await s.orchestrator.submit(job);
    return {
      // As stored: admission gives the params the request left open its model's values.
      job: submitted.job,
      status: submitted.status,
      replayed: false,
      position: await s.orchestrator.position(job.id),
    };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}
