/**
 * `npm test`: the fast suite, in-process, on every core. Tests run through a transpile-only esbuild
 * transform (scripts/jest-transform.js); type checking is `npm run lint`.
 *
 * End-to-end suites (`*.e2e.test.ts`: npm pack and a consumer project, the promote script, generated shell
 * scripts) start real processes, and long property runs (`*.long.test.ts`: the full case counts of
 * properties `npm test` samples) take seconds each; both run with `npm run test:e2e` (jest.e2e.config.js).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.(e2e|long)\\.test\\.ts$'],
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-transform.js' },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // The machine has two cores: the default (cores - 1) would run one worker.
  maxWorkers: 2,
  // The longest files start first, also on a fresh clone without jest's timings from an earlier run.
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  // The shipped environments are rendered once per run and read by every test file that checks them.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
