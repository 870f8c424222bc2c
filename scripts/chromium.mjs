// Where Chromium is on this machine, for everything that drives it (the browser suites, the web
// demo check): CHROMIUM_PATH, else the places system packages put it. Playwright never downloads
// a browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): it drives this one.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium', // Debian, Ubuntu's deb (`apt-get install chromium`)
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/**
 * The path of a Chromium executable, or `undefined` when none is found.
 *
 * @returns {string | undefined}
 */
export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** What to tell someone whose machine has no Chromium. */
export const INSTALL_CHROMIUM =
  'install Chromium (`apt-get install chromium`; .ci/run does) or set CHROMIUM_PATH';
