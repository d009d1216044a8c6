import { createJob, type Job, type JobKind } from '../../core/index.ts';

let counter = 0;

/** A valid job for queue tests; the id is unique within the run. */
export function testJob(
  owner = 'discord:1',
  kind: JobKind = 'imagine',
  extra: Record<string, unknown> = {},
): Job {
  counter++;
  const needsImage = kind !== 'imagine' && kind !== 'animate';
  return createJob(
    {
      kind,
      owner,
      origin: { surface: 'http' },
      params: { prompt: 'a red circle on a blue sky', seed: 1 },
      inputs: needsImage
        ? {
            image: { type: 'artifact', id: 'img' },
            ...(kind === 'inpaint' ? { mask: { type: 'artifact', id: 'mask' } } : {}),
          }
        : {},
      ...extra,
    },
    { id: `job-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}` },
  );
}
