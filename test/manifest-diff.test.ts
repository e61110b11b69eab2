import { diffManifests, formatDiff } from '../lib/render/manifest-diff';
import { synthObjects, withWeb } from './environment-helpers';

const cm = (name: string, data: Record<string, string>, namespace = 'ecommerce') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

describe('diffManifests', () => {
  test('reports added, removed and changed objects with field paths', () => {
    const changes = diffManifests([cm('a', { X: '1' }), cm('b', {})], [cm('a', { X: '2', Y: '3' }), cm('c', {})]);
    expect(changes).toEqual([
      { object: 'ConfigMap ecommerce/a', change: 'changed', fields: [{ path: 'data.X', before: '1', after: '2' }, { path: 'data.Y', before: undefined, after: '3' }] },
      { object: 'ConfigMap ecommerce/c', change: 'added', fields: [] },
      { object: 'ConfigMap ecommerce/b', change: 'removed', fields: [] },
    ]);
  });

  test('matches named list items by name, so an insertion is one change', () => {
    const pod = (env: Array<{ name: string; value: string }>) => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', env }] } });
    const changes = diffManifests([pod([{ name: 'A', value: '1' }, { name: 'B', value: '2' }])], [pod([{ name: 'A', value: '1' }, { name: 'NEW', value: 'x' }, { name: 'B', value: '2' }])]);
    expect(changes[0].fields).toEqual([{ path: 'spec.containers[app].env[NEW]', before: undefined, after: { name: 'NEW', value: 'x' } }]);
  });

  test('a colour switch in prod reads as the selector, the two HPA bounds and the colours\' waves (and the deploy hooks retargeted)', () => {
    const hooks = (o: { kind: string; metadata: { name: string } }) => !(o.kind === 'Job' && ['laravel-migrate', 'laravel-cache-warm', 'laravel-smoke-test', 'laravel-verify-switch'].includes(o.metadata.name));
    const text = formatDiff(diffManifests(synthObjects(withWeb('prod', {})).filter(hooks), synthObjects(withWeb('prod', { liveColour: 'green' })).filter(hooks)));
    const wave = (from: number, to: number) => `    metadata.annotations.argocd.argoproj.io/sync-wave: "${from}" -> "${to}"`;
    expect(text).toBe([
      '~ Deployment ecommerce/laravel-blue',
      wave(2, 20),
      '~ HorizontalPodAutoscaler ecommerce/laravel-blue-hpa',
      wave(2, 20),
      '    spec.maxReplicas: 10 -> 3',
      '~ PodDisruptionBudget ecommerce/laravel-blue-pdb',
      wave(2, 20),
      '~ Deployment ecommerce/laravel-green',
      wave(20, 2),
      '~ HorizontalPodAutoscaler ecommerce/laravel-green-hpa',
      wave(20, 2),
      '    spec.maxReplicas: 3 -> 10',
      '~ PodDisruptionBudget ecommerce/laravel-green-pdb',
      wave(20, 2),
      '~ Service ecommerce/laravel-service',
      '    metadata.annotations.delivery.ecommerce-platform/release: "blue:v1.2.3" -> "green:v1.3.0"',
      '    spec.selector.environment: "blue" -> "green"',
      '',
      '7 object(s) differ: 0 added, 0 removed, 7 changed',
      '',
    ].join('\n'));
  });

  test('renders a Markdown table for pull requests, escaping pipes', () => {
    const md = formatDiff(diffManifests([cm('a', { X: 'a|b' })], [cm('a', { X: 'c' })]), 'markdown');
    expect(md).toContain('| `ConfigMap ecommerce/a` | changed | `data.X` | `"a\\|b"` | `"c"` |');
  });

  test('shows a multi-line value as a line diff: the changed lines with two lines of context', () => {
    const rules = (threshold: string) => ['groups:', '- name: app', '  rules:', '  - alert: HighErrorRate', `    expr: rate(errors[5m]) > ${threshold}`, '    for: 5m', '    labels:', '      severity: critical', ''].join('\n');
    const text = formatDiff(diffManifests([cm('rules', { 'app.yaml': rules('0.05') })], [cm('rules', { 'app.yaml': rules('0.1') })]));
    expect(text).toBe([
      '~ ConfigMap ecommerce/rules',
      '    data.app.yaml:',
      '        ...',
      '          rules:',
      '          - alert: HighErrorRate',
      '      -     expr: rate(errors[5m]) > 0.05',
      '      +     expr: rate(errors[5m]) > 0.1',
      '            for: 5m',
      '            labels:',
      '        ...',
      '',
      '1 object(s) differ: 0 added, 0 removed, 1 changed',
      '',
    ].join('\n'));
  });

  test('never cuts a long changed value down to text both sides share', () => {
    const long = (end: string) => `${'x'.repeat(200)}${end}${'y'.repeat(200)}`;
    const text = formatDiff(diffManifests([cm('a', { X: long('before') })], [cm('a', { X: long('after') })]));
    const [, before, after] = /data\.X: (.*) -> (.*)/.exec(text)!;
    expect(before).toContain('before');
    expect(after).toContain('after');
    expect(before).not.toBe(after);
  });

  test('treats the order of named list items as significant: reordering init containers is a change', () => {
    const pod = (names: string[]) => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { initContainers: names.map((name) => ({ name, image: `${name}:1` })) } });
    const changes = diffManifests([pod(['migrate', 'warm'])], [pod(['warm', 'migrate'])]);
    expect(changes).toEqual([{ object: 'Pod p', change: 'changed', fields: [{ path: 'spec.initContainers', before: ['migrate', 'warm'], after: ['warm', 'migrate'], order: true }] }]);
    expect(formatDiff(changes)).toContain('    spec.initContainers (order): ["migrate","warm"] -> ["warm","migrate"]\n');
  });

  test('escapes backticks and pipes in Markdown, and puts multi-line values in a fence they cannot close', () => {
    const md = formatDiff(diffManifests([cm('a', { X: 'run `a` | b', S: 'echo 1\n```\nx\n' })], [cm('a', { X: 'c', S: 'echo 2\n```\nx\n' })]), 'markdown');
    expect(md).toContain('| `ConfigMap ecommerce/a` | changed | `data.X` | ``"run `a` \\| b"`` | `"c"` |');
    expect(md).toContain('````diff\n- echo 1\n+ echo 2\n  ```\n  x\n````');
  });

  test('says so when nothing differs', () => {
    expect(formatDiff([])).toBe('no differences\n');
  });
});
