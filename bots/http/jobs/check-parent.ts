// A job may build on an earlier one (`parent`: upscale, variation) only when that job is the caller's
// and has pictures. Someone else's job reads the same as no job, so ids of others cannot be probed.
import { ValidationError } from '../../../core/errors.ts';
import type { Job } from '../../../core/job/job.ts';
import type { EncodedOutput } from '../../../queue/components/encode-image.ts';
import type { ApiServices } from '../api-services.ts';
import type { Caller } from '../http-deps.ts';

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
