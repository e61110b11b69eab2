import { documentsRoundTrip, streamsRoundTrip } from './yaml-round-trip';

// The full property runs of the YAML emitter (npm run test:e2e); npm test runs a tenth of them
// (yaml-property.test.ts).

test('parses back to exactly the input for 10,000 random documents', () => {
  expect(documentsRoundTrip(10_000)).toBeGreaterThanOrEqual(10_000);
// About 2 s on an idle machine: jest's 5 s default would make a busy machine, not the emitter, fail the test.
}, 60_000);

test('a stream of random documents parses back to the same documents (1,000 streams)', () => {
  expect(streamsRoundTrip(1_000)).toBeGreaterThanOrEqual(1_000);
}, 60_000);
