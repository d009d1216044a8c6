// The one log line per job transition: accepted, started, and how it ended with its duration, so an
// operator can follow a job through the processes' output by its id.
import type { FinalStatus } from '../../core/flows/flow-types.ts';

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

export function acceptedLine(jobId: string, kind: string, owner: string): string {
  return `job ${jobId} accepted: ${kind} for ${owner}`;
}

/** `what` says where the work began, e.g. `render on <renderer id>`. */
export function startedLine(jobId: string, what: string): string {
  return `job ${jobId} started: ${what}`;
}

export function endedLine(
  jobId: string,
  status: FinalStatus,
  durationMs: number,
  reason?: { code?: string; message?: string },
): string {
  const line = `job ${jobId} ${status} in ${seconds(durationMs)}`;
  if (status === 'done' || !reason) return line;
  const code = reason.code && reason.code !== status ? `${reason.code}: ` : '';
  return `${line}: ${code}${reason.message ?? ''}`.trimEnd();
}
