import { diffManifests, formatDiff } from '../lib/render/manifest-diff';
import { synthObjects, withWeb } from './helpers';

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

  test('says so when nothing differs', () => {
    expect(formatDiff([])).toBe('no differences\n');
  });
});
