/**
 * What each environment runs: the only file `npm run promote` and `npm run rollback` rewrite.
 */

import { EnvironmentName,ReleaseState } from './types';

// ---- release state: rewritten by `npm run promote` / `npm run rollback` (scripts/promote.ts). ----
// One line per environment, in exactly this shape; the script replaces a line only when it matches it.
export const RELEASES: Readonly<Record<EnvironmentName, ReleaseState>> = {
  dev: { liveColour: 'blue', blueImageTag: 'main', greenImageTag: 'main', workersImageTag: 'main' },
  staging: { liveColour: 'green', blueImageTag: 'v1.3.0', greenImageTag: 'v1.4.0-rc.1', workersImageTag: 'v1.3.0' },
  prod: { liveColour: 'blue', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0', workersImageTag: 'v1.2.3' },
};
// ---- end of release state ----
