// Which test files `npm test` runs together in one jest module registry.
//
// Jest gives every test file a fresh module registry: each file loads cdk8s, cdk8s-plus-28, zod, the CRD
// bindings and the library again, and runs them cold. For the many short files that is most of their
// time, so a full run executes them inside two group files (test/grouped-1.test.ts, test/grouped-2.test.ts),
// each test file in its own `describe` named after it: the same tests, with the modules loaded once per
// group. The long files keep their own registry and worker slot, and so does any file with snapshots (a
// snapshot file is named after the test file that runs it) or with module mocks or registry resets
// (`jest.mock`, `jest.resetModules`, ...: they would reach the other files of the group).
//
// A file named on the command line (`npx jest test/queue-worker.test.ts`) still runs alone: the test
// sequencer (scripts/jest-sequencer.js) leaves a grouped file out of a run only when its group file is
// part of that run.
'use strict';
const fs = require('fs');
const path = require('path');

const TEST_DIR = path.join(__dirname, '..', 'test');

/** The group files, in test/. */
const GROUP_FILES = ['grouped-1.test.ts', 'grouped-2.test.ts'];

/** Test files that keep their own registry and worker slot: each runs long enough to fill one. */
const STANDALONE = [
  'bad-input-corpus.test.ts',
  'release-order.test.ts',
  'synthesize.test.ts',
  'stock-synth-parity.test.ts',
  'colour-switch.test.ts',
];

function grouped(file) {
  if (!file.endsWith('.test.ts') || /\.(e2e|long)\.test\.ts$/.test(file) || GROUP_FILES.includes(file) || STANDALONE.includes(file)) {
    return false;
  }
  const source = fs.readFileSync(path.join(TEST_DIR, file), 'utf8');
  return !/toMatch(Inline)?Snapshot\(|jest\.(mock|doMock|unstable_mockModule|resetModules|isolateModules)\(/.test(source);
}

/** The test files of group `n` (1 or 2), by name: the grouped files in name order, dealt alternately. */
function groupMembers(n) {
  return fs.readdirSync(TEST_DIR).filter(grouped).sort().filter((_, i) => i % 2 === n - 1);
}

/** Absolute paths of every grouped test file whose group file is among `paths`. */
function coveredByGroups(paths) {
  const covered = new Set();
  GROUP_FILES.forEach((groupFile, i) => {
    if (paths.includes(path.join(TEST_DIR, groupFile))) {
      for (const file of groupMembers(i + 1)) {
        covered.add(path.join(TEST_DIR, file));
      }
    }
  });
  return covered;
}

module.exports = { GROUP_FILES, groupMembers, coveredByGroups };
