/**
 * `npm run test:e2e`: the end-to-end suites (`*.e2e.test.ts`), which start real processes, and the long
 * property runs (`*.long.test.ts`).
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  testMatch: ['**/*.e2e.test.ts', '**/*.long.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
