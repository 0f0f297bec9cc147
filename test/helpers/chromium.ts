import { accessSync, constants } from 'node:fs';

/** Where Debian's package puts the browser; S2D_CHROMIUM overrides it (another build, another distribution). */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The headless browser the page tests drive through playwright-core (which downloads no browser of its own), or
 * null with the reason when there is none: the tests then skip with that one line instead of failing mysteriously.
 * `.ci/run` installs Debian's `chromium` when it is missing.
 */
export function findChromium(): { path: string; missing: null } | { path: null; missing: string } {
  const override = process.env.S2D_CHROMIUM;
  const path = override !== undefined && override !== '' ? override : DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
    return { path, missing: null };
  } catch {
    const how = override === undefined || override === '' ? 'apt-get install chromium, or set S2D_CHROMIUM' : 'fix S2D_CHROMIUM';
    return { path: null, missing: `headless browser tests skipped: no executable chromium at ${path} (${how})` };
  }
}
