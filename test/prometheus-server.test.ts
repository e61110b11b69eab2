import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import { PrometheusServer, PrometheusServerProps } from '../lib/observability/prometheus-server';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

const props: PrometheusServerProps = {
  partOf: 'ecommerce',
  image: 'prom/prometheus:v2.53.2',
  resources: SMALL_RESOURCES,
  retentionTime: Duration.days(30),
  storageSize: Size.gibibytes(100),
  targets: [{ kind: 'service', job: 'x', namespace: 'ecommerce', serviceName: 'x', serviceLabels: {}, portName: 'metrics', port: 1 }],
};

describe('PrometheusServer', () => {
  test('renders config, storage, RBAC and Service 9090', () => {
    const c = testChart();
    const prom = new PrometheusServer(c, 'Prometheus', { ...props, storageClassName: 'fast' });
    const objects = synthChart(c);
    const config = YAML.parse(findObject(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(config).toEqual(prom.configDocument);
    expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(['x', 'prometheus', 'alertmanager', 'kubelet', 'kubelet-cadvisor']);
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
    expect(findObject(objects, 'PersistentVolumeClaim', 'prometheus-server-data').spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '100Gi' } }, accessModes: ['ReadWriteOnce'] });
    expect(findObject(objects, 'Service', 'prometheus-server').spec.ports).toEqual([{ name: 'http', port: 9090, targetPort: 9090, protocol: 'TCP' }]);
    expect(findObject(objects, 'ClusterRoleBinding', 'prometheus-server').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-server', namespace: 'ecommerce', apiGroup: '' }]);
    const d = findObject(objects, 'Deployment', 'prometheus-server');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(d.spec.template.spec.containers[0].startupProbe.failureThreshold).toBe(60);
  });

  test('a config change changes the pod template hash', () => {
    const hash = (retention: Duration, job: string) => {
      const c = testChart();
      new PrometheusServer(c, 'Prometheus', { ...props, retentionTime: retention, targets: [{ ...props.targets[0], job }] });
      return findObject(synthChart(c), 'Deployment', 'prometheus-server').spec.template.metadata.annotations['checksum/config'];
    };
    expect(hash(Duration.days(30), 'x')).toBe(hash(Duration.days(7), 'x'));
    expect(hash(Duration.days(30), 'x')).not.toBe(hash(Duration.days(30), 'y'));
  });

  test('writes durations for Prometheus: retention flag and scrape interval', () => {
    const c = testChart();
    const prom = new PrometheusServer(c, 'Prometheus', { ...props, retentionTime: Duration.hours(36), scrapeInterval: Duration.seconds(30) });
    const args = findObject(synthChart(c), 'Deployment', 'prometheus-server').spec.template.spec.containers[0].args;
    expect(args).toContain('--storage.tsdb.retention.time=1d12h');
    expect(prom.configDocument.global).toEqual({ scrape_interval: '30s', evaluation_interval: '30s' });
  });

  test('kubelet jobs can be left out', () => {
    const c = testChart();
    const prom = new PrometheusServer(c, 'Prometheus', { ...props, scrapeKubelet: false });
    expect((prom.configDocument.scrape_configs as Array<{ job_name: string }>).map((j) => j.job_name)).toEqual(['x', 'prometheus', 'alertmanager']);
  });

  test('rejects a moving image, a bad retention and a duplicate job', () => {
    expect(() => new PrometheusServer(testChart(), 'P', { ...props, image: 'prom/prometheus:latest' }))
      .toThrow('[test/P] image: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "prom/prometheus:latest"');
    expect(() => new PrometheusServer(testChart(), 'P', { ...props, retentionTime: '30 days' as never }))
      .toThrow('[test/P] retentionTime: must be a positive Duration such as Duration.days(30), got "30 days"');
    expect(() => new PrometheusServer(testChart(), 'P', { ...props, retentionTime: Duration.seconds(0) }))
      .toThrow('[test/P] retentionTime: must be a positive Duration such as Duration.days(30), got 0s');
    expect(() => new PrometheusServer(testChart(), 'P', { ...props, targets: [props.targets[0], props.targets[0]] }))
      .toThrow('[test/P] targets: scrape job "x" is described twice');
  });

  test('rejects resources whose limit is below the request', () => {
    expect(() => new PrometheusServer(testChart(), 'P', { ...props, resources: { ...SMALL_RESOURCES, memoryLimit: Size.mebibytes(64) } }))
      .toThrow('[test/P] resources.memoryLimit: must be at least memoryRequest (128Mi), got 64Mi');
  });
});

describe('PrometheusServer mounted config', () => {
  test('hashes files rendered elsewhere into the pod template when the manifest is rendered', () => {
    const hash = (threshold: number) => {
      const c = testChart();
      const prom = new PrometheusServer(c, 'Prometheus', props);
      let rules = '';
      prom.hashMountedConfig('prometheus-rules', () => ({ 'application.yaml': rules }));
      rules = `expr: x > ${threshold}`;
      return findObject(synthChart(c), 'Deployment', 'prometheus-server').spec.template.metadata.annotations['checksum/config'];
    };
    expect(hash(5)).toBe(hash(5));
    expect(hash(5)).not.toBe(hash(6));
  });

  test('rejects hashing the same source twice', () => {
    const prom = new PrometheusServer(testChart(), 'Prometheus', props);
    prom.hashMountedConfig('prometheus-rules', () => ({}));
    expect(() => prom.hashMountedConfig('prometheus-rules', () => ({}))).toThrow('config source "prometheus-rules" is hashed twice or unnamed');
  });
});
