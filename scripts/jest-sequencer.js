// Jest's test order, with the longest files first even when jest has no timings yet; and the grouped test
// files left to their group file when it runs (scripts/jest-groups.js).
//
// Jest's own sequencer starts the files that took longest in the previous run first (it keeps their
// durations in its cache), so no worker is left running one long file at the end while the other waits.
// On a fresh clone (CI, a new machine) it has no durations and orders by file size, which says little
// here: the bad-input corpus, the longest file, is a small file over large case tables. Without
// durations, the files below start first, in this order; the rest keep jest's order.
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;
const { coveredByGroups } = require('./jest-groups');

/** The longest test files of `npm test`, longest first (a hint: jest's timings replace it after one run). */
const LONGEST = [
  'grouped-1',
  'grouped-2',
  'bad-input-corpus',
  'release-order',
  'synthesize',
  'stock-synth-parity',
  'colour-switch',
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const covered = coveredByGroups(tests.map((test) => test.path));
    const sorted = super.sort(tests.filter((test) => !covered.has(test.path)));
    if (sorted.some((test) => test.duration != null)) {
      return sorted;
    }
    const rank = (test) => {
      const index = LONGEST.indexOf(path.basename(test.path).replace(/\.test\.ts$/, ''));
      return index < 0 ? LONGEST.length : index;
    };
    return sorted.map((test, index) => ({ test, index }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.index - b.index)
      .map(({ test }) => test);
  }
}

module.exports = LongestFirst;
