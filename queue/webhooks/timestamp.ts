// Signed timestamps: whole unix seconds, and how far from our clock one may be before it is a replay.

/** Whole seconds as sent in a header; undefined when the text is anything else. */
export function parseUnixSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Within `toleranceSec` of now in either direction: a clock a little ahead is as fine as one behind. */
export function isFresh(timestampSec: number, nowMs: number, toleranceSec: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSec) <= toleranceSec;
}
