// "Did you mean ...?" for flags, samplers and other names a user types.

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The candidate nearest to `input`, if it is near enough to be a plausible typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = c.startsWith(needle) && needle.length >= 2 ? 0.5 : editDistance(needle, c);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const allowed = Math.max(2, Math.ceil((best?.length ?? 0) / 3));
  return bestScore <= allowed ? best : undefined;
}

export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  const hit = closest(input, candidates);
  return hit === undefined ? '' : ` (did you mean ${prefix}${hit}?)`;
}
