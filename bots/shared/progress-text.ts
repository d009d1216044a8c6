// Progress as text, the same on every chat surface: a bar for the render, a place and a wait for
// the queue.
import type { ProgressView } from './chat-jobs.ts';

export function progressBar(step: number, total: number, width = 20): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, step / total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function formatWait(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return `about ${s} s`;
  return `about ${Math.round(s / 60)} min`;
}

export function progressText(view: ProgressView): string {
  if (view.step !== undefined && view.total !== undefined && view.step > 0) {
    return `rendering ${progressBar(view.step, view.total)} step ${view.step}/${view.total}`;
  }
  if (view.position !== undefined && view.position > 0) {
    const wait = view.etaMs !== undefined ? `, ${formatWait(view.etaMs)}` : '';
    return `queued: ${ordinal(view.position)} in line${wait}`;
  }
  switch (view.status) {
    case 'received':
    case 'ingesting':
      return 'getting ready…';
    case 'rendering':
      return 'starting the render…';
    case 'encoding':
    case 'delivering':
      return 'finishing…';
    default:
      return view.status;
  }
}

/**
 * An animation's progress: the bar over every step of every frame, the frame being drawn and its
 * step (`step`/`total` count finished frames, `frameStep`/`frameSteps` the steps inside the next).
 */
export function frameProgressText(view: ProgressView): string {
  const { step, total, frameStep, frameSteps } = view;
  if (step === undefined || total === undefined) return progressText(view);
  if (frameStep !== undefined && frameSteps !== undefined && frameSteps > 0 && step < total) {
    const bar = progressBar(step + Math.min(frameStep, frameSteps) / frameSteps, total);
    return `rendering ${bar} frame ${step + 1}/${total} · step ${frameStep}/${frameSteps}`;
  }
  if (step > 0) return `rendering ${progressBar(step, total)} frame ${step}/${total} done`;
  return progressText(view);
}
