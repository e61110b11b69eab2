import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYamlDocument, toYamlStream } from '../lib/render/yaml';

/**
 * The emitter is exact: whatever JSON it is given, the `yaml` package parses its output back to exactly
 * that value. Property-based, over awkward strings: leading and trailing newlines and spaces, indented
 * first lines, `#`, `: `, quotes, YAML 1.1 booleans, numbers and dates as strings, document markers,
 * control and line-separator characters, unicode, empty strings, very long lines.
 */
const FRAGMENTS = [
  '', ' ', '  ', '    ', '\n', '\n\n', '\t', '#', ' #', ': ', ':', '- ', '-', '? ', '"', "'", '\\', 'on', 'no', 'yes', 'Y', 'n', 'off', 'true',
  'False', '~', 'null', 'NULL', '0x1F', '0o17', '0b101', '1e3', '012', '1_000', '12:30:00', '2024-01-01', '.inf', '-.Inf', '.nan', '+1',
  '-1.5', '|', '>', '|2', '&a', '*a', '!tag', '!!str', '%', '@', '`', '---', '...', '{', '}', '[', ']', ',', 'é', '日本', '😀', '\u2028',
  '\u2029', '\u0085', '\ufeff', '\u00a0', '\r', '\r\n', '\u0000', '\u007f', '\ud800', 'x'.repeat(300), 'location / {', 'a',
];

const awkward = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 20 }),
);

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    awkward, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(awkward, tie('value'), { maxKeys: 4 })),
})).value;

/** A manifest-like document: a mapping, normalised through JSON as rendered objects are. */
const doc = fc.dictionary(awkward, json, { maxKeys: 5 }).map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>);

test('parses back to exactly the input for 10,000 random documents', () => {
  let cases = 0;
  fc.assert(fc.property(doc, (d) => {
    cases++;
    expect(YAML.parse(toYamlDocument(d))).toStrictEqual(d);
  }), { numRuns: 10_000 });
  expect(cases).toBeGreaterThanOrEqual(10_000);
// About 2 s on an idle machine: jest's 5 s default would make a busy machine, not the emitter, fail the test.
}, 60_000);

test('a stream of random documents parses back to the same documents', () => {
  fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), (docs) => {
    expect(YAML.parseAllDocuments(toYamlStream(docs)).map((d) => d.toJS())).toStrictEqual(docs);
  }), { numRuns: 1_000 });
}, 60_000);

test('a value whose first line is empty and whose next line is indented gets an indentation indicator', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginx' }, data: { 'site.conf': '\n    location / {\n  }\n' } };
  const text = toYamlDocument(configMap);
  expect(text).toContain('  site.conf: |2\n\n        location / {\n      }\n');
  expect(YAML.parse(text)).toStrictEqual(configMap);
});
