// Sliding context windows for a video UNet that takes fewer frames at once than the clip has
// (AnimateDiff's uniform context): windows of the model's length, overlapping by a quarter, the
// last one flush with the end; each step averages the predictions of the windows a frame is in.

export function contextWindows(frames: number, window: number, overlap = Math.floor(window / 4)): number[][] {
  if (frames <= window) return [Array.from({ length: frames }, (_, i) => i)];
  const stride = Math.max(1, window - overlap);
  const starts: number[] = [];
  for (let s = 0; s + window < frames; s += stride) starts.push(s);
  starts.push(frames - window);
  return starts.map((s) => Array.from({ length: window }, (_, i) => s + i));
}
