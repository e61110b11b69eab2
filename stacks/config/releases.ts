/**
 * What each environment runs: the only file `npm run promote` and `npm run rollback` rewrite.
 */

import { HotfixRelease } from '../../lib/web/blue-green-app';
import { EnvironmentName, ReleaseState } from './types';

// ---- release state: rewritten by `npm run promote` / `npm run rollback` (scripts/promote.ts). ----
// One line per environment, in exactly this shape; the script replaces a line only when it matches it.
export const RELEASES: Readonly<Record<EnvironmentName, ReleaseState>> = {
  dev: { liveColour: 'blue', blueImageTag: 'main', greenImageTag: 'main', workersImageTag: 'main' },
  staging: { liveColour: 'green', blueImageTag: 'v1.3.0', greenImageTag: 'v1.4.0-rc.1', workersImageTag: 'v1.3.0' },
  prod: { liveColour: 'blue', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0', workersImageTag: 'v1.2.3' },
};
// ---- end of release state ----

/**
 * Emergency hotfixes (README "Switching the live colour"): an entry lets that environment's serving colour
 * change its image in place, to exactly `imageTag`. Synth refuses any other in-place change of the serving
 * colour. Empty in normal operation; remove an entry once the fix has been released to the idle colour and
 * promoted. Example:
 *
 *   prod: { imageTag: 'v1.2.4', reason: 'INC-1234: checkout fails for cards issued in the EU; v1.2.3 plus the fix only' },
 */
export const HOTFIXES: Readonly<Partial<Record<EnvironmentName, HotfixRelease>>> = {};
