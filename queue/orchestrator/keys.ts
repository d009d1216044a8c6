// Redis key names of the orchestrator, in one place.

export interface Keys {
  /** The stack's prefix every key below starts with, e.g. `img`. */
  prefix: string;
  /** A key of another part of the stack (a surface's own state) under the same prefix: `<prefix>:a:b`. */
  scoped(...parts: string[]): string;
  job(id: string): string;
  called(id: string): string;
  returned(id: string): string;
  /** Sorted set of unfinished job ids, scored by submit time (the sweeper walks it). */
  active: string;
  ownerActive(owner: string): string;
  bucket(owner: string): string;
  dedupe(id: string, component: string): string;
  events(id: string): string;
  eventsChannel: string;
  cancelChannel: string;
  worker(id: string): string;
  workers: string;
  fairCounter: string;
  stats: string;
  /** Sorted set of failed or cancelled jobs whose origin has not been told yet. */
  notifyPending: string;
  idempotency(owner: string, key: string): string;
}

export function makeKeys(prefix = 'img'): Keys {
  return {
    prefix,
    scoped: (...parts) => [prefix, ...parts].join(':'),
    job: (id) => `${prefix}:job:${id}`,
    called: (id) => `${prefix}:job:${id}:called`,
    returned: (id) => `${prefix}:job:${id}:returned`,
    active: `${prefix}:active`,
    ownerActive: (owner) => `${prefix}:owner:${owner}:active`,
    bucket: (owner) => `${prefix}:owner:${owner}:bucket`,
    dedupe: (id, component) => `${prefix}:dedupe:${id}:${component}`,
    events: (id) => `${prefix}:events:${id}`,
    eventsChannel: `${prefix}:events`,
    cancelChannel: `${prefix}:cancel`,
    worker: (id) => `${prefix}:worker:${id}`,
    workers: `${prefix}:workers`,
    fairCounter: `${prefix}:fair`,
    stats: `${prefix}:stats`,
    notifyPending: `${prefix}:notify-pending`,
    idempotency: (owner, key) => `${prefix}:idem:${owner}:${key}`,
  };
}

/** BullMQ refuses ids with ':'; one id per job and component, so an add is never repeated. */
export function bullJobId(jobId: string, component: string): string {
  return `${jobId}.${component}`;
}

/** The job id inside a BullMQ job id made by bullJobId. */
export function jobIdOfBullJob(bullId: string): string {
  return bullId.slice(0, bullId.lastIndexOf('.'));
}
