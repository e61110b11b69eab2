import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import { LokiServer, lokiConfig } from '../lib/observability/loki-server';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

const props = { partOf: 'ecommerce', image: 'grafana/loki:3.1.1', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(50), retentionPeriod: Duration.days(30) };

describe('LokiServer', () => {
  const c = testChart();
  new LokiServer(c, 'Loki', props);
  const objects = synthChart(c);
  const config = YAML.parse(findObject(objects, 'ConfigMap', 'loki-config').data['loki.yaml']);

  test('single binary with filesystem storage, one replica and the TSDB v13 schema', () => {
    expect(config.common.replication_factor).toBe(1);
    expect(config.common.ring.kvstore.store).toBe('inmemory');
    expect(config.common.storage).toEqual({ filesystem: { chunks_directory: '/var/loki/chunks', rules_directory: '/var/loki/rules' } });
    expect(config.schema_config.configs).toEqual([{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }]);
    expect(config.auth_enabled).toBe(false);
  });

  test('retention is enforced by the compactor, for the configured period', () => {
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem', working_directory: '/var/loki/compactor' });
    expect(config.limits_config.retention_period).toBe('720h');
    expect(lokiConfig(Duration.days(3)).limits_config).toEqual({ retention_period: '72h', allow_structured_metadata: true });
  });

  test('Deployment loki runs -target=all, probes /ready, keeps data on a volume; Service loki serves 3100', () => {
    const d = findObject(objects, 'Deployment', 'loki');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = d.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toBe('grafana/loki:3.1.1');
    expect(container.args).toEqual(['-config.file=/etc/loki/config/loki.yaml', '-target=all']);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/ready', port: 'http', scheme: 'HTTP' });
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/loki' });
    expect(findObject(objects, 'PersistentVolumeClaim', 'loki-data').spec.resources.requests.storage).toBe('50Gi');
    expect(findObject(objects, 'Service', 'loki').spec.ports).toEqual([
      { name: 'http', port: 3100, targetPort: 3100, protocol: 'TCP' }, { name: 'grpc', port: 9095, targetPort: 9095, protocol: 'TCP' },
    ]);
    expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('rejects a retention that is not whole days, and an unpinned image', () => {
    expect(() => new LokiServer(testChart(), 'L', { ...props, retentionPeriod: Duration.hours(36) }))
      .toThrow('[test/L] retentionPeriod: must be a positive number of whole days (the index period is 24h), got 129600s');
    expect(() => new LokiServer(testChart(), 'L', { ...props, image: 'grafana/loki:latest' }))
      .toThrow('[test/L] image: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "grafana/loki:latest"');
  });
});
