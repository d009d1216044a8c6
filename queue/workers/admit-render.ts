// Refuses at submit a job that no live renderer can serve, with the reason the user reads; a job it
// takes comes back as its model draws it (the model's natural size and defaults in place of the
// server's, for the params the request left to defaults), so every reader of the job sees the truth.
import { JobRefusedError } from '../../core/errors.ts';
import type { Job } from '../../core/job/job.ts';
import { DEFAULT_LIMITS, type Limits } from '../../core/job/limits.ts';
import { withModelDefaults } from '../../core/job/model-defaults.ts';
import type { WorkerInfo, WorkerRegistry } from './worker-registry.ts';

/**
 * How old a view of the registry may be for accepting a job. A refusal is always decided on a fresh
 * read, so a renderer that has just started is never missed.
 */
const RECENT_ENOUGH_MS = 1000;

export function admitRender(
  registry: Pick<WorkerRegistry, 'live'>,
  limits: Limits = DEFAULT_LIMITS,
): (job: Job) => Promise<Job> {
  return async (given) => {
    try {
      return admitAgainst(await registry.live({ maxAgeMs: RECENT_ENOUGH_MS }), given, limits);
    } catch (err) {
      if (!(err instanceof JobRefusedError)) throw err;
      return admitAgainst(await registry.live(), given, limits);
    }
  };
}

function admitAgainst(workers: readonly WorkerInfo[], given: Job, limits: Limits): Job {
  if (workers.length === 0) {
    throw new JobRefusedError('no_worker', 'no renderer is running right now: try again in a minute');
  }
  const model = given.params.model;
  const withModel = workers.filter((w) => w.models.includes(model));
  if (withModel.length === 0) {
    const known = [...new Set(workers.flatMap((w) => w.models))].sort();
    throw new JobRefusedError(
      'no_worker',
      `no renderer has model ${model} (available: ${known.join(', ') || 'none'})`,
    );
  }
  const defaults = withModel.find((w) => w.modelDefaults?.[model])?.modelDefaults?.[model];
  const job = defaults ? withModelDefaults(given, defaults, limits) : given;
  const pixels = job.params.width * job.params.height;
  if (!withModel.some((w) => w.maxPixels >= pixels)) {
    const most = Math.max(...withModel.map((w) => w.maxPixels));
    throw new JobRefusedError(
      'no_worker',
      `no renderer with model ${model} can draw ${job.params.width}x${job.params.height} (at most ${most} pixels)`,
    );
  }
  return job;
}
