// A renderer that does not have a job's model loaded steps aside when another live renderer has it
// loaded and is idle: loading a model costs seconds, a short step aside costs nothing.
import type { Job } from '../../core/job/job.ts';
import type { WorkerRegistry } from './worker-registry.ts';

/** `preferOther` for the component workers of renderer `selfId`, whose loaded models `loaded` tells. */
export function preferLoadedRenderer(
  registry: Pick<WorkerRegistry, 'live'>,
  selfId: string,
  loaded: () => Promise<readonly string[]>,
): (job: Job) => Promise<boolean> {
  return async (job) => {
    if ((await loaded()).includes(job.params.model)) return false;
    const live = await registry.live();
    return live.some((w) => w.id !== selfId && !w.busy && w.loaded.includes(job.params.model));
  };
}
