/**
 * The YAML emitter's round-trip properties: whatever JSON it is given, the `yaml` package parses its output
 * back to exactly that value. Property-based, over awkward strings: leading and trailing newlines and
 * spaces, indented first lines, `#`, `: `, quotes, YAML 1.1 booleans, numbers and dates as strings, document
 * markers, control and line-separator characters, unicode, empty strings, very long lines.
 *
 * `yaml-property.test.ts` (npm test) runs them on a thousand documents; `yaml-property.long.test.ts`
 * (npm run test:e2e) on ten thousand.
 */
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYamlDocument, toYamlStream } from '../lib/render/yaml';

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
const doc: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(awkward, json, { maxKeys: 5 }).map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>);

/** Checks that `numRuns` random documents parse back to exactly themselves; returns how many ran. */
export function documentsRoundTrip(numRuns: number): number {
  let cases = 0;
  fc.assert(fc.property(doc, (d) => {
    cases++;
    expect(YAML.parse(toYamlDocument(d))).toStrictEqual(d);
  }), { numRuns });
  return cases;
}

/** Checks that `numRuns` random streams of one to four documents parse back to the same documents; returns how many ran. */
export function streamsRoundTrip(numRuns: number): number {
  let cases = 0;
  fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), (docs) => {
    cases++;
    expect(YAML.parseAllDocuments(toYamlStream(docs)).map((d) => d.toJS())).toStrictEqual(docs);
  }), { numRuns });
  return cases;
}
