// The status message's text: progress (bar and step, or frame and step for a clip, or place in line
// and wait), an estimate of the time left while rendering, and any notes about the request (e.g. a resized mask).
import type { ProgressView } from '../shared/chat-jobs.ts';
import { formatWait, frameProgressText, progressText } from '../shared/progress-text.ts';

export function statusText(
  view: ProgressView,
  notes: readonly string[],
  leftMs?: number,
  frames = false,
): string {
  const left = leftMs !== undefined && leftMs > 0 ? ` · ${formatWait(leftMs)} left` : '';
  const progress = frames ? frameProgressText(view) : progressText(view);
  return [`⏳ ${progress}${left}`, ...notes.map((n) => `⚠ ${n}`)].join('\n');
}

/** An animation's progress counted in steps of all its frames, so the time left moves inside a frame. */
export function stepsOfAllFrames(view: ProgressView): ProgressView {
  const { step, total, frameStep, frameSteps } = view;
  if (step === undefined || total === undefined || frameSteps === undefined || frameSteps <= 0) return view;
  return {
    ...view,
    step: step * frameSteps + Math.min(frameStep ?? 0, frameSteps),
    total: total * frameSteps,
  };
}

/** Time left from the steps done so far, once two progress reports are in. */
export class RenderClock {
  private first?: { at: number; step: number };

  leftMs(view: ProgressView, now = Date.now()): number | undefined {
    if (view.step === undefined || view.total === undefined) return undefined;
    if (!this.first) {
      this.first = { at: now, step: view.step };
      return undefined;
    }
    const done = view.step - this.first.step;
    if (done <= 0) return undefined;
    return ((now - this.first.at) / done) * (view.total - view.step);
  }
}
