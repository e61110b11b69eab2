import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { OperatorMonitors } from '../lib/observability/operator-monitors';
import { ScrapeTarget } from '../lib/observability/scrape-targets';
import { findObject, synthChart, testChart } from './helpers';

const targets: ScrapeTarget[] = [
  { kind: 'pods', job: 'laravel-metrics', namespace: 'ecommerce', selector: { app: 'laravel' }, portName: 'http' },
  { kind: 'service', job: 'redis-exporter', namespace: 'ecommerce', serviceName: 'redis-exporter', serviceLabels: { 'app.kubernetes.io/name': 'redis-exporter' }, portName: 'metrics', port: 9121 },
];
const selector = { release: 'kube-prometheus-stack' };

function chart(): Chart {
  return testChart();
}

describe('OperatorMonitors', () => {
  test('renders one PodMonitor or ServiceMonitor per target, labelled with the selector', () => {
    const c = chart();
    new OperatorMonitors(c, 'Monitors', { targets, selector, partOf: 'ecommerce' });
    const objects = synthChart(c);
    const pm = findObject(objects, 'PodMonitor', 'laravel-metrics');
    expect(pm.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(pm.spec.podMetricsEndpoints).toEqual([{
      port: 'http', path: '/metrics',
      relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
        { targetLabel: 'job', replacement: 'laravel-metrics', action: 'replace' },
      ],
    }]);
    const sm = findObject(objects, 'ServiceMonitor', 'redis-exporter');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis-exporter' } },
      namespaceSelector: { matchNames: ['ecommerce'] },
      endpoints: [{ port: 'metrics', path: '/metrics', relabelings: [{ targetLabel: 'job', replacement: 'redis-exporter', action: 'replace' }] }],
    });
  });

  test('fails synth when a monitor loses a selector label', () => {
    const c = chart();
    const monitors = new OperatorMonitors(c, 'Monitors', { targets, selector, partOf: 'ecommerce' });
    ApiObject.of(monitors.serviceMonitors['redis-exporter']).addJsonPatch(JsonPatch.remove('/metadata/labels/release'));
    expect(() => synthChart(c)).toThrow('ServiceMonitor "ecommerce/redis-exporter" lacks release: "kube-prometheus-stack"; kube-prometheus-stack would not select it');
  });

  test('fails synth when a sidecar ConfigMap or rule of the chart lacks the selector', () => {
    const c = chart();
    new OperatorMonitors(c, 'Monitors', { targets: [], selector, partOf: 'ecommerce' });
    new kplus.ConfigMap(c, 'Dashboard', { metadata: { name: 'grafana-dashboard-x', labels: { grafana_dashboard: '1' } } });
    new kplus.ConfigMap(c, 'Plain', { metadata: { name: 'plain' } });
    expect(() => synthChart(c)).toThrow('[test/Monitors] metadata.labels: ConfigMap "ecommerce/grafana-dashboard-x" lacks release: "kube-prometheus-stack"; kube-prometheus-stack would not select it');
  });

  test('rejects an empty selector and a job described twice', () => {
    expect(() => new OperatorMonitors(chart(), 'Monitors', { targets, selector: {}, partOf: 'ecommerce' }))
      .toThrow('[test/Monitors] selector: must name at least one label (kube-prometheus-stack selects by its `release` label)');
    expect(() => new OperatorMonitors(chart(), 'Monitors', { targets: [targets[0], targets[0]], selector, partOf: 'ecommerce' }))
      .toThrow('[test/Monitors] targets.laravel-metrics: described twice');
  });
});
