/** Throws unless width and height are positive integers: a wrong size here is a bug in the caller. */
export function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`picture size must be positive integers, got ${width}x${height}`);
  }
}
