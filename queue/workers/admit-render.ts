// Refuses at submit a job that no live renderer can serve, with the reason the user reads.
import { JobRefusedError } from '../../core/errors.ts';
import type { Job } from '../../core/job/job.ts';
import type { WorkerRegistry } from './worker-registry.ts';

export function admitRender(registry: WorkerRegistry): (job: Job) => Promise<void> {
  return async (job) => {
    const workers = await registry.live();
    if (workers.length === 0) {
      throw new JobRefusedError('no_worker', 'no renderer is running right now: try again in a minute');
    }
    const model = job.params.model;
    const withModel = workers.filter((w) => w.models.includes(model));
    if (withModel.length === 0) {
      const known = [...new Set(workers.flatMap((w) => w.models))].sort();
      throw new JobRefusedError(
        'no_worker',
        `no renderer has model ${model} (available: ${known.join(', ') || 'none'})`,
      );
    }
    const pixels = job.params.width * job.params.height;
    if (!withModel.some((w) => w.maxPixels >= pixels)) {
      const most = Math.max(...withModel.map((w) => w.maxPixels));
      throw new JobRefusedError(
        'no_worker',
        `no renderer with model ${model} can draw ${job.params.width}x${job.params.height} (at most ${most} pixels)`,
      );
    }
  };
}
