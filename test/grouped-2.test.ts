import { runGroup } from './test-groups';

// Half of the short test files (every even-numbered one in name order), in one module registry
// (scripts/jest-groups.js).
runGroup(2);
