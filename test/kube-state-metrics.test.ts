import { KubeStateMetrics } from '../lib/observability/kube-state-metrics';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

describe('KubeStateMetrics', () => {
  test('exports only the kinds its ClusterRole may list and watch', () => {
    const c = testChart();
    const ksm = new KubeStateMetrics(c, 'Ksm', { partOf: 'ecommerce', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', resources: SMALL_RESOURCES });
    const objects = synthChart(c);
    const flag = findObject(objects, 'Deployment', 'kube-state-metrics').spec.template.spec.containers[0].args.find((a: string) => a.startsWith('--resources='));
    const exported = flag.slice('--resources='.length).split(',').sort();
    const granted = findObject(objects, 'ClusterRole', 'kube-state-metrics').rules.flatMap((r: { resources: string[] }) => r.resources).sort();
    expect(granted).toEqual(exported);
    expect(exported).toEqual(expect.arrayContaining(['pods', 'cronjobs', 'jobs', 'deployments']));
    expect(ksm.target.honorLabels).toBe(true);
    expect(findObject(objects, 'Service', 'kube-state-metrics').spec.ports.map((p: { port: number }) => p.port)).toEqual([8080, 8081]);
  });

  test('rejects an unpinned image', () => {
    expect(() => new KubeStateMetrics(testChart(), 'K', { partOf: 'e', image: 'ksm', resources: SMALL_RESOURCES }))
      .toThrow('[test/K] image: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "ksm"');
  });
});
