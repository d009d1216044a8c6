// The output of a component that had nothing to do for this job (an HTTP job has no chat to reply in,
// a job without callbackUrl gets no callback): it returns success so the flow goes on, and the job
// view shows it as skipped rather than succeeded.

export interface SkippedOutput {
  skipped: true;
  reason: string;
}

export function skipped(reason: string): SkippedOutput {
  return { skipped: true, reason };
}

export function isSkipped(output: unknown): output is SkippedOutput {
  return typeof output === 'object' && output !== null && (output as { skipped?: unknown }).skipped === true;
}
