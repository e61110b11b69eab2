import * as YAML from 'yaml';
import { toYamlStream } from '../lib/render/yaml';
import { ENVIRONMENTS } from '../stacks/config';
import { renderedFiles } from './environment-helpers';

describe('YAML emitter', () => {
  test.each(Object.keys(ENVIRONMENTS))('%s output parses back to exactly the synthesized objects', (name) => {
    for (const file of renderedFiles(ENVIRONMENTS[name as keyof typeof ENVIRONMENTS])) {
      const parsed = YAML.parseAllDocuments(file.content).map((d) => d.toJS());
      expect(parsed).toEqual(file.objects);
    }
  });

  const tricky = [
    'true', 'yes', 'No', 'on', 'null', '~', '', ' lead', 'trail ', '1', '0x1F', '0o17', '1e3', '.5', '-1', '+1', '.inf', '.NaN',
    '1:30', '2024-01-01', '2024-1-1 10:00', 'a: b', 'a #b', '#x', '-x', '- x', '? x', ': x', '&a', '*a', '!t', '|x', '>x', '%x', '@x', '`x',
    '"q"', "'q'", '{a}', '[a]', 'a,b', 'x:', 'tab\there', 'ü', '\u2028', 'line\nline', 'end\n', 'two\n\n', ' indented\nline', 'ctrl\u0001',
    'v1.2.3', 'ghcr.io/acme/shop:v1.2.3', '250m', '512Mi', '/health/ready', 'checksum/config', 'http://x:80/a?b=c',
  ];
  test.each(tricky.map((s) => [JSON.stringify(s), s]))('round-trips the string %s', (_label, value) => {
    const doc = { value, nested: { list: [value, { key: value }] }, [value === '' ? 'empty' : value]: 1 };
    expect(YAML.parse(toYamlStream([doc]), { version: '1.2' })).toEqual(doc);
    expect(YAML.parse(toYamlStream([doc]), { version: '1.1' })).toEqual(doc);
  });

  test('writes multi-line strings as literal blocks so configuration stays readable', () => {
    expect(toYamlStream([{ data: { 'a.conf': 'server {\n    listen 80;\n}\n' } }])).toBe('data:\n  a.conf: |\n    server {\n        listen 80;\n    }\n');
  });

  test('writes numbers, booleans, null, empty collections and nested sequences', () => {
    const doc = { n: 1.5, b: false, z: null, e: [], o: {}, s: [[1, [2]], { a: [] }] };
    const text = toYamlStream([doc]);
    expect(YAML.parse(text)).toEqual(doc);
    expect(text).toBe('"n": 1.5\nb: false\nz: null\ne: []\no: {}\ns:\n  -\n    - 1\n    -\n      - 2\n  - a: []\n');
  });

  test('writes a key longer than YAML\'s 1024-character implicit key limit in the explicit ? form', () => {
    const long = 'x'.repeat(2400);
    const doc = { [long]: '', nested: { [long]: { a: [1, { [long]: 'v' }] } }, list: [{ [long]: 1, b: 2 }] };
    const text = toYamlStream([doc]);
    expect(text.split('\n').filter((line) => /^ *(- )?\? x/.test(line))).toHaveLength(4);
    expect(YAML.parse(text)).toEqual(doc);
    expect(toYamlStream([{ ['y'.repeat(1000)]: 1 }])).toBe(`${'y'.repeat(1000)}: 1\n`);
  });

  test('separates documents with ---', () => {
    expect(toYamlStream([{ a: 1 }, { b: 2 }])).toBe('a: 1\n---\nb: 2\n');
  });
});
