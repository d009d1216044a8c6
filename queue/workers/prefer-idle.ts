// With batches across jobs a renderer takes several GPU jobs at once, so that they can meet in its
// render thread. A job that reaches a renderer already drawing goes to an idle renderer that has its
// model, when there is one: starting now on a free renderer beats waiting for a place in a batch.
import type { Job } from '../../core/job/job.ts';
import type { WorkerRegistry } from './worker-registry.ts';

/** `preferOther` for the component workers of renderer `selfId`; `busy` tells whether it draws now. */
export function preferIdleRenderer(
  registry: Pick<WorkerRegistry, 'live'>,
  selfId: string,
  busy: () => boolean,
): (job: Job) => Promise<boolean> {
  return async (job) => {
    if (!busy()) return false;
    const live = await registry.live();
    return live.some((w) => w.id !== selfId && !w.busy && w.models.includes(job.params.model));
  };
}
