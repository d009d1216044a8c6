// A job's picture URLs are checked when it is submitted: one that points at a private address is a 400
// now, not a failed job later. fetch-media checks again when it connects (DNS may change in between).
import { ValidationError } from '../../../core/errors.ts';
import type { Job } from '../../../core/job/job.ts';
import { checkUrlAhead } from '../../../queue/media/address-policy.ts';

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
