// A job as the API shows it: status, where it is in its flow, progress, queue place, result links,
// error with its reason code, and the callback delivery log; its events as SSE sends them; and the
// owner check every read of one job goes through.
import { isFinalStatus } from '../../../../core/flows/flow-types.ts';
import { encodedOutputOf } from '../../../../queue/components/encoded-output.ts';
import { isSkipped } from '../../../../queue/components/skipped.ts';
import type { JobEvent } from '../../../../queue/events/event-types.ts';
import type { ComponentState, JobState } from '../../../../queue/orchestrator/job-state.ts';
import type { DeliveryAttempt } from '../../../../queue/webhooks/deliver-webhook.ts';
import type { ApiServices } from '../../api-services.ts';
import { ApiError } from '../../errors/api-error.ts';
import type { Caller } from '../../http-deps.ts';
import { artifactUrl, eventsUrl, jobUrl, type LinkBase } from '../../links.ts';
import type { JobView, ResultView } from '../../openapi/response-schemas.ts';

export function resultView(outputs: Record<string, unknown>, base: LinkBase): ResultView | undefined {
  const encoded = encodedOutputOf(outputs);
  if (!encoded) return undefined;
  return {
    images: encoded.images.map((i) => ({ url: artifactUrl(base, i.artifact), ...i })),
    ...(encoded.grid ? { grid: { url: artifactUrl(base, encoded.grid), artifact: encoded.grid } } : {}),
    ...(encoded.video ? { video: { url: artifactUrl(base, encoded.video.artifact), ...encoded.video } } : {}),
    warnings: encoded.warnings,
  };
}

/** A component that succeeded without anything to do (no chat, no callback) shows as skipped. */
function componentView(c: ComponentState, outputs: Record<string, unknown>): JobView['components'][number] {
  const state = c.state === 'succeeded' && isSkipped(outputs[c.name]) ? 'skipped' : c.state;
  return { name: c.name, state };
}

export async function jobView(s: ApiServices, state: JobState, base: LinkBase): Promise<JobView> {
  const final = isFinalStatus(state.status);
  const [position, progress] = final
    ? [undefined, undefined]
    : await Promise.all([
        s.orchestrator.position(state.id),
        state.status === 'rendering' ? s.events.latestProgress(state.id) : undefined,
      ]);
  const result = state.status === 'done' ? resultView(state.outputs, base) : undefined;
  const callback = state.outputs.callback as { attempts?: DeliveryAttempt[] } | undefined;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: state.id,
    kind: state.job.kind,
    status: state.status,
    module: { index: state.module, name: state.moduleName },
    components: state.components.map((c) => componentView(c, state.outputs)),
    ...(progress
      ? {
          progress: {
            step: progress.step,
            total: progress.total,
            ...(progress.preview ? { previewUrl: artifactUrl(base, progress.preview) } : {}),
          },
        }
      : {}),
    ...(position && position.position > 0 ? { queue: position } : {}),
    params: state.job.params,
    ...(result ? { result } : {}),
    ...(state.error ? { error: state.error } : {}),
    ...(callback?.attempts ? { callback: { attempts: callback.attempts } } : {}),
    createdAt: iso(state.createdAt),
    updatedAt: iso(state.updatedAt),
    ...(state.finishedAt ? { finishedAt: iso(state.finishedAt) } : {}),
    links: { self: jobUrl(base, state.id), events: eventsUrl(base, state.id) },
  };
}

// A job event as SSE clients get it: artifact ids become links, and the final `done` carries the result
// in the same shape as GET /v1/jobs/:id.
export function eventView(event: JobEvent, at: number, base: LinkBase): Record<string, unknown> {
  const when = new Date(at).toISOString();
  if (event.type === 'progress') {
    const { preview, ...rest } = event;
    return { ...rest, ...(preview ? { previewUrl: artifactUrl(base, preview) } : {}), at: when };
  }
  if (event.type === 'done') return { type: 'done', result: resultView(event.outputs, base), at: when };
  return { ...event, at: when };
}

// A job read on behalf of a caller: 404 when there is none, 403 when it belongs to someone else.
const JOB_ID = /^[A-Za-z0-9_.-]{1,128}$/;

export async function ownedJob(s: ApiServices, caller: Caller, id: string): Promise<JobState> {
  const state = JOB_ID.test(id) ? await s.orchestrator.state(id) : undefined;
  if (!state)
    throw new ApiError(404, 'not_found', `no job ${id.slice(0, 128)} (finished jobs are kept for 7 days)`);
  if (state.job.owner !== caller.owner) {
    throw new ApiError(403, 'forbidden', 'this job belongs to another API key', { reason: 'not_owner' });
  }
  return state;
}
