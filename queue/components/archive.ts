// Deliver: keeps the delivered pictures for the result period, so /v1/artifacts and the chat buttons
// (upscale, vary) can use them later.
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import type { EncodedOutput } from './encode-image.ts';
import { encodedOutputOf } from './encoded-output.ts';
import type { ComponentServices } from './services.ts';

export function archiveComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const encoded = encodedOutputOf(ctx.state.outputs) as EncodedOutput & { video?: { artifact: string } };
    const ttlMs = services.resultTtlMs ?? 7 * 24 * 3600 * 1000;
    const kept: string[] = [];
    const ids = [
      ...encoded.images.map((i) => i.artifact),
      ...(encoded.grid ? [encoded.grid] : []),
      ...(encoded.video ? [encoded.video.artifact] : []),
    ];
    for (const id of ids) {
      const found = await services.artifacts.get(id);
      if (!found) continue;
      // Putting the same bytes again under their id extends their life (and is idempotent).
      await services.artifacts.put(found.bytes, found.contentType, { ttlMs, id });
      kept.push(id);
    }
    return { kept, until: Date.now() + ttlMs };
  };
}
