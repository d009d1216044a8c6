// A job's outcome as surfaces are told it, read from its state.
import type { JobState } from '../orchestrator/job-state.ts';
import type { EncodedOutput } from './encode-image.ts';
import type { Outcome } from './services.ts';

export function outcomeOf(state: JobState): Outcome {
  const encoded = state.outputs['encode-image'] as EncodedOutput | undefined;
  if (encoded && state.status !== 'failed' && state.status !== 'cancelled') {
    return {
      ok: true,
      images: encoded.images,
      ...(encoded.grid ? { grid: encoded.grid } : {}),
      warnings: encoded.warnings,
    };
  }
  return {
    ok: false,
    code: state.error?.code ?? state.status,
    message: state.error?.message ?? `the job is ${state.status}`,
  };
}
