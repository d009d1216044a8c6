// The client side of the queue as chat surfaces use it: submit a job, watch it with throttled
// updates for a progress message, cancel it, list a user's jobs. Final results are not posted from
// here: the queue's reply-chat component does that, so a restart of the bot loses no result.
import type { Config } from '../../core/config/config.ts';
import { JobRefusedError, ValidationError } from '../../core/errors.ts';
import { FINAL_STATUSES, isFinalStatus, type JobStatus } from '../../core/flows/flow-types.ts';
import { createJob, type Job, type JobRequest } from '../../core/job/job.ts';
import type { ArtifactStore } from '../../queue/artifacts/artifact-store.ts';
import type { JobState } from '../../queue/orchestrator/job-state.ts';
import type { QueueSystem } from '../../queue/queue-system.ts';

export interface ProgressView {
  status: JobStatus;
  step?: number;
  total?: number;
  /** Animate: the step inside the frame being drawn (`step`/`total` count finished frames). */
  frameStep?: number;
  frameSteps?: number;
  /** Place in the render queue (1 = next), while waiting. */
  position?: number;
  etaMs?: number;
  /** Artifact id of the latest preview picture. */
  preview?: string;
  /** The render has finished or the job ended: the result message takes over from here. */
  final: boolean;
}

const AFTER_RENDER: readonly JobStatus[] = ['encoding', 'delivering', ...FINAL_STATUSES];

export interface ChatJobsDeps {
  system: Pick<QueueSystem, 'orchestrator' | 'events' | 'redis'>;
  artifacts: ArtifactStore;
  config: Config;
  log?: (line: string) => void;
}

export class ChatJobs {
  constructor(private readonly deps: ChatJobsDeps) {}

  /** Validates and queues; throws ValidationError or JobRefusedError, whose messages users can read. */
  async submit(request: JobRequest): Promise<{ job: Job; position: number; etaMs?: number }> {
    const { config, system } = this.deps;
    // As stored: admission gives the params the request left open its model's values.
    const { job } = await system.orchestrator.submit(
      createJob(request, { limits: config.limits, defaults: config.defaults }),
    );
    const where = await system.orchestrator.position(job.id);
    return { job, position: where.position, ...(where.etaMs !== undefined ? { etaMs: where.etaMs } : {}) };
  }

  /**
   * Calls `onUpdate` as the job moves, at most once per `minIntervalMs` (the latest view wins, the
   * first goes out at once), never two at a time, and stops once the render is over so a late
   * progress edit can never overwrite the result message.
   */
  watch(
    jobId: string,
    onUpdate: (view: ProgressView) => Promise<void> | void,
    options: { minIntervalMs?: number; initial?: Partial<ProgressView> } = {},
  ): { stop(): void; done: Promise<void> } {
    const interval = options.minIntervalMs ?? 2000;
    const abort = new AbortController();
    let view: ProgressView = { status: 'received', final: false, ...options.initial };
    let dirty = false;
    let lastSent = Number.NEGATIVE_INFINITY;
    let timer: NodeJS.Timeout | undefined;
    let sending: Promise<void> | undefined;
    const log = this.deps.log ?? (() => undefined);

    const send = async () => {
      timer = undefined;
      if (!dirty || abort.signal.aborted) return;
      dirty = false;
      lastSent = Date.now();
      sending = Promise.resolve()
        .then(() => onUpdate({ ...view }))
        .catch((err) => log(`progress update of ${jobId} failed: ${(err as Error).message}`));
      await sending;
      sending = undefined;
      if (dirty) schedule();
    };
    const schedule = () => {
      if (timer || sending || abort.signal.aborted) return;
      timer = setTimeout(() => void send(), Math.max(0, lastSent + interval - Date.now()));
    };

    const done = (async () => {
      try {
        for await (const { event } of this.deps.system.events.watch(jobId, { signal: abort.signal })) {
          if (event.type === 'status') view = { ...view, status: event.status };
          else if (event.type === 'queue') view = { ...view, position: event.position, etaMs: event.etaMs };
          else if (event.type === 'progress') {
            view = { ...view, status: 'rendering', step: event.step, total: event.total, position: 0 };
            if (event.preview) view.preview = event.preview;
            view.frameStep = event.frameStep;
            view.frameSteps = event.frameSteps;
          } else view = { ...view, status: event.type };
          if (AFTER_RENDER.includes(view.status)) break;
          dirty = true;
          schedule();
        }
      } catch (err) {
        log(`watching ${jobId} stopped: ${(err as Error).message}`);
      } finally {
        abort.abort();
        clearTimeout(timer);
        await sending;
      }
    })();
    return { stop: () => abort.abort(), done };
  }

  /** Cancels the owner's job; the answer is a sentence for the user. */
  async cancel(jobId: string, owner: string): Promise<string> {
    try {
      await this.deps.system.orchestrator.cancel(jobId, owner);
      return 'cancelled';
    } catch (err) {
      if (err instanceof JobRefusedError) return err.message;
      throw err;
    }
  }

  /** The owner's unfinished jobs, oldest first, with their place in the render queue. */
  async active(owner: string): Promise<{ job: Job; status: JobStatus; position: number; etaMs?: number }[]> {
    const { orchestrator, redis } = this.deps.system;
    const ids = await redis.smembers(orchestrator.keys.ownerActive(owner));
    const out = [];
    for (const id of ids) {
      const state = await orchestrator.state(id);
      if (!state || isFinalStatus(state.status)) continue;
      const where = await orchestrator.position(id);
      out.push({ job: state.job, status: state.status, position: where.position, etaMs: where.etaMs });
    }
    return out.sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
  }

  state(jobId: string): Promise<JobState | undefined> {
    return this.deps.system.orchestrator.state(jobId);
  }

  async artifact(id: string): Promise<Buffer | undefined> {
    return (await this.deps.artifacts.get(id))?.bytes;
  }
}

/**
 * What a user is told about an error: our own errors say what to change; anything else is ours to
 * fix, so the user gets a reference to quote and the log gets the details, never the user.
 */
export function userMessage(err: unknown, log: (line: string) => void = (l) => console.error(l)): string {
  if (err instanceof ValidationError || err instanceof JobRefusedError) return err.message;
  const reference = Math.random().toString(36).slice(2, 10);
  log(`error ${reference}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return `something went wrong on our side (reference ${reference}); please try again`;
}
