/**
 * Tests run through a transpile-only transform (SWC): type checking happens once, in `npm run lint` and
 * `npm run build`, so the suite stays fast as it grows.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
