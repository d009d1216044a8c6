// A job event as SSE clients get it: artifact ids become links, and the final `done` carries the result
// in the same shape as GET /v1/jobs/:id.
import type { JobEvent } from '../../../queue/events/event-types.ts';
import { artifactUrl, type LinkBase } from '../links.ts';
import { resultView } from './job-view.ts';

export function eventView(event: JobEvent, at: number, base: LinkBase): Record<string, unknown> {
  const when = new Date(at).toISOString();
  if (event.type === 'progress') {
    const { preview, ...rest } = event;
    return { ...rest, ...(preview ? { previewUrl: artifactUrl(base, preview) } : {}), at: when };
  }
  if (event.type === 'done') return { type: 'done', result: resultView(event.outputs, base), at: when };
  return { ...event, at: when };
}
