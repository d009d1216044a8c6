// Ingest: brings the job's pictures in (URL, earlier artifact, or a platform's file), proves they
// decode, and stores them as artifacts, so the renderer never reaches out to the network.
import type { MediaRef } from '../../core/job/references.ts';
import { decodeCheck } from '../media/decode-check.ts';
import { safeFetch } from '../media/safe-fetch.ts';
import {
  type ComponentContext,
  ComponentError,
  type ComponentHandler,
} from '../orchestrator/component-worker.ts';
import type { ComponentServices } from './services.ts';

const MAX_INPUT_PIXELS = 40_000_000;

async function bytesOf(
  ref: MediaRef,
  field: string,
  services: ComponentServices,
  ctx: ComponentContext,
): Promise<Buffer> {
  if (ref.type === 'artifact') {
    const found = await services.artifacts.get(ref.id);
    if (!found)
      throw new ComponentError(
        'input_missing',
        `the ${field} ${ref.id} no longer exists: send it again`,
        false,
      );
    return found.bytes;
  }
  if (ref.type === 'url') {
    const f = services.fetch ?? { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000 };
    const got = await safeFetch(ref.url, { ...f, field });
    return got.bytes;
  }
  const resolve = services.mediaResolvers?.[ref.platform];
  if (!resolve) throw new ComponentError('internal', `cannot fetch ${ref.platform} files in this process`);
  return resolve(ref.fileId, ref.url, ctx.signal);
}

export function fetchMediaComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const out: Record<string, string> = {};
    for (const field of ['image', 'mask'] as const) {
      const ref = ctx.job.inputs[field];
      if (!ref) continue;
      const bytes = await bytesOf(ref, field, services, ctx);
      const info = await decodeCheck(bytes, { maxPixels: MAX_INPUT_PIXELS, field });
      const stored = await services.artifacts.put(bytes, `image/${info.format}`, { ttlMs: 24 * 3600 * 1000 });
      out[field] = stored.id;
    }
    return out;
  };
}
