// Debian's chromium driven by playwright-core, for the browser tests. Without a chromium binary the
// tests skip (with this reason in their name), so a machine without one still runs the suite.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// CHROMIUM_PATH, when set, is the only candidate (a path that does not exist skips the tests).
const CANDIDATES = process.env.CHROMIUM_PATH
  ? [process.env.CHROMIUM_PATH]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The chromium binary, or undefined when none is installed. */
export const CHROMIUM_PATH = CANDIDATES.find((p) => existsSync(p));

export const NO_CHROMIUM = 'SKIPPED: no chromium binary (apt-get install chromium, or set CHROMIUM_PATH)';

if (!CHROMIUM_PATH) console.warn(`browser tests ${NO_CHROMIUM}`);

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error(NO_CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // CI runs as root, where chromium's sandbox cannot start; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
