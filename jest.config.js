/** Tests run through a transpile-only esbuild transform (scripts/jest-transform.js). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-transform.js' },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
