import { PodScrapeTarget, ServiceScrapeTarget, renderScrapeConfigs, sanitizeLabelName } from '../lib/observability/scrape-targets';

const pods: PodScrapeTarget = {
  kind: 'pods', job: 'laravel-metrics', namespace: 'ecommerce', selector: { app: 'laravel' }, portName: 'http', podTargetLabels: ['environment', 'app'],
};
const service: ServiceScrapeTarget = {
  kind: 'service', job: 'redis-exporter', namespace: 'ecommerce', serviceName: 'redis-exporter', serviceLabels: { a: 'b' }, portName: 'metrics', port: 9121,
};

describe('renderScrapeConfigs', () => {
  test('a pod target is seed 000\'s annotation-driven pod discovery, limited to the namespace and selector', () => {
    const [job] = renderScrapeConfigs([pods]);
    expect(job.job_name).toBe('laravel-metrics');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['ecommerce'] } }]);
    expect(job.relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_label_app'], regex: 'laravel', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' },
      { source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__', action: 'replace' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'app', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_label_environment'], target_label: 'environment', action: 'replace' },
    ]);
  });

  test('a Service target is a static target on the Service\'s cluster name, labelled with its namespace', () => {
    expect(renderScrapeConfigs([service])).toEqual([{
      job_name: 'redis-exporter', metrics_path: '/metrics',
      static_configs: [{ targets: ['redis-exporter.ecommerce.svc:9121'], labels: { namespace: 'ecommerce' } }],
    }]);
  });

  test('honoured labels keep the exposed namespace label', () => {
    const [job] = renderScrapeConfigs([{ ...service, honorLabels: true }]);
    expect(job.honor_labels).toBe(true);
    expect(job.static_configs).toEqual([{ targets: ['redis-exporter.ecommerce.svc:9121'] }]);
  });

  test('selector values are matched literally', () => {
    const [job] = renderScrapeConfigs([{ ...pods, selector: { 'app.kubernetes.io/name': 'a.b' } }]);
    expect((job.relabel_configs as unknown[])[1]).toEqual({ source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: 'a\\.b', action: 'keep' });
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('app_kubernetes_io_name');
  });

  test('rejects a job described twice', () => {
    expect(() => renderScrapeConfigs([service, service])).toThrow('scrape job "redis-exporter" is described twice');
  });
});
