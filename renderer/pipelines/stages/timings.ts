// Wall time of a render next to the time its model spent inside session.run.
import type { LoadedModel } from '../../model/loaded-model.ts';
import type { RenderResult } from '../render-request.ts';

export function startTimings(model: LoadedModel): () => RenderResult['timings'] {
  const started = performance.now();
  const { runMs, runs } = model.clock;
  return () => ({
    totalMs: performance.now() - started,
    sessionRunMs: model.clock.runMs - runMs,
    sessionRuns: model.clock.runs - runs,
  });
}
