/**
 * Runs a group of test files in this jest module registry (scripts/jest-groups.js says which and why):
 * each file in a `describe` named after it, so its hooks cover its own tests only.
 */
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const groups = require('../scripts/jest-groups') as { groupMembers(n: number): string[] };

/** Runs the test files of group `n`. */
export function runGroup(n: 1 | 2): void {
  const files = groups.groupMembers(n);
  test(`group ${n} holds test files`, () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    describe(file, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(__dirname, file));
    });
  }
}
