// The one way every HTTP route submits a job: validate, check the callback URL, honour Idempotency-Key,
// take the key's allowance, store uploaded pictures, then hand the job to the orchestrator. Whatever
// fails after a reservation gives it back.
import { ValidationError } from '../../../core/errors.ts';
import type { JobStatus } from '../../../core/flows/flow-types.ts';
import { createJob, type Job } from '../../../core/job/job.ts';
import type { QueuePosition } from '../../../queue/orchestrator/queue-position.ts';
import { checkCallbackUrl } from '../../../queue/webhooks/callback-url.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import type { Caller } from '../http-deps.ts';
import { takeKeyAllowance } from '../limits/key-limits.ts';
import { canonicalHash } from './canonical-hash.ts';
import { checkMediaUrls } from './check-media-urls.ts';
import { checkParent } from './check-parent.ts';
import type { CheckedUpload } from './check-upload.ts';
import { claimIdempotencyKey } from './idempotency.ts';

export interface SubmitInput {
  /** A job request without its owner (the caller is the owner). */
  request: Record<string, unknown>;
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
      job,
      status: submitted.status,
      replayed: false,
      position: await s.orchestrator.position(job.id),
    };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}
