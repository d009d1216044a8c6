// A job's outcome as surfaces are told it, read from its state.
import type { JobState } from '../orchestrator/job-state.ts';
import { encodedOutputOf } from './encoded-output.ts';
import type { Outcome } from './services.ts';

export function outcomeOf(state: JobState): Outcome {
  const encoded = encodedOutputOf(state.outputs);
  if (encoded && state.status !== 'failed' && state.status !== 'cancelled') {
    return {
      ok: true,
      images: encoded.images,
      ...(encoded.grid ? { grid: encoded.grid } : {}),
      ...(encoded.video ? { video: encoded.video } : {}),
      warnings: encoded.warnings,
    };
  }
  return {
    ok: false,
    code: state.error?.code ?? state.status,
    message: state.error?.message ?? `the job is ${state.status}`,
  };
}
