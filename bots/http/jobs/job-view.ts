// A job as the API shows it: status, where it is in its flow, progress, queue place, result links,
// error with its reason code, and the callback delivery log.
import { encodedOutputOf } from '../../../queue/components/encoded-output.ts';
import { isSkipped } from '../../../queue/components/skipped.ts';
import type { ComponentState, JobState } from '../../../queue/orchestrator/job-state.ts';
import type { DeliveryAttempt } from '../../../queue/webhooks/deliver-webhook.ts';
import type { ApiServices } from '../api-services.ts';
import { artifactUrl, eventsUrl, jobUrl, type LinkBase } from '../links.ts';
import type { JobView, ResultView } from '../openapi/response-schemas.ts';
import { latestProgress } from './latest-progress.ts';

const FINAL = new Set(['done', 'failed', 'cancelled']);

export function isFinalStatus(status: string): boolean {
  return FINAL.has(status);
}

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
        state.status === 'rendering' ? latestProgress(s.redis, s.orchestrator.keys, state.id) : undefined,
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
