import * as YAML from 'yaml';
import { toYamlDocument } from '../lib/render/yaml';
import { documentsRoundTrip, streamsRoundTrip } from './yaml-round-trip';

// The emitter's round trip on random documents (test/yaml-round-trip.ts). npm test runs a tenth of the
// cases; yaml-property.long.test.ts runs the full 10,000 documents and 1,000 streams in npm run test:e2e.

test('parses back to exactly the input for 1,000 random documents', () => {
  expect(documentsRoundTrip(1_000)).toBeGreaterThanOrEqual(1_000);
});

test('a stream of random documents parses back to the same documents (100 streams)', () => {
  expect(streamsRoundTrip(100)).toBeGreaterThanOrEqual(100);
});

test('a value whose first line is empty and whose next line is indented gets an indentation indicator', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginx' }, data: { 'site.conf': '\n    location / {\n  }\n' } };
  const text = toYamlDocument(configMap);
  expect(text).toContain('  site.conf: |2\n\n        location / {\n      }\n');
  expect(YAML.parse(text)).toStrictEqual(configMap);
});
