import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import { JaegerServer } from '../lib/observability/jaeger-server';
import { SMALL_RESOURCES, findObject, ofKind, synthChart, testChart } from './helpers';

const props = { partOf: 'ecommerce', image: 'jaegertracing/jaeger:2.0.0', resources: SMALL_RESOURCES };

function render(storage: ConstructorParameters<typeof JaegerServer>[2]['storage']) {
  const c = testChart();
  new JaegerServer(c, 'Jaeger', { ...props, storage });
  const objects = synthChart(c);
  return { objects, config: YAML.parse(findObject(objects, 'ConfigMap', 'jaeger-config').data['config.yaml']) };
}

describe('JaegerServer', () => {
  test('memory storage is bounded by max_traces, keeps no volume and rolls without a gap', () => {
    const { objects, config } = render({ kind: 'memory', maxTraces: 10000 });
    expect(config.extensions.jaeger_storage).toEqual({ backends: { traces: { memory: { max_traces: 10000 } } } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(findObject(objects, 'Deployment', 'jaeger').spec.strategy.type).toBe('RollingUpdate');
  });

  test('badger storage persists on a volume with a span TTL, and recreates the pod', () => {
    const { objects, config } = render({ kind: 'badger', storageSize: Size.gibibytes(20), spanRetention: Duration.days(7) });
    expect(config.extensions.jaeger_storage.backends.traces).toEqual({
      badger: { directories: { keys: '/badger/keys', values: '/badger/values' }, ephemeral: false, ttl: { spans: '168h' } },
    });
    expect(findObject(objects, 'PersistentVolumeClaim', 'jaeger-data').spec.resources.requests.storage).toBe('20Gi');
    const d = findObject(objects, 'Deployment', 'jaeger');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/badger' });
  });

  test('OTLP in, stored, queried; every endpoint listens on all interfaces', () => {
    const { objects, config } = render({ kind: 'memory', maxTraces: 5 });
    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
    expect(config.exporters.jaeger_storage_exporter.trace_storage).toBe('traces');
    expect(config.extensions.jaeger_query.storage.traces).toBe('traces');
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(config.extensions.jaeger_query.http.endpoint).toBe('0.0.0.0:16686');
    expect(config.extensions.healthcheckv2).toEqual({ use_v2: true, http: { endpoint: '0.0.0.0:13133' } });
    const container = findObject(objects, 'Deployment', 'jaeger').spec.template.spec.containers[0];
    expect(container.args).toEqual(['--config=/etc/jaeger/config.yaml']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/status', port: 'health', scheme: 'HTTP' });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true });
    expect(findObject(objects, 'Service', 'jaeger').spec.ports).toEqual([{ name: 'http-query', port: 16686, targetPort: 16686, protocol: 'TCP' }]);
    expect(findObject(objects, 'Service', 'jaeger-collector').spec.ports).toEqual([
      { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' }, { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
    ]);
    expect(findObject(objects, 'Service', 'jaeger-collector').spec.selector).toEqual(findObject(objects, 'Service', 'jaeger').spec.selector);
  });

  test('rejects unbounded memory storage and a sub-hour span retention', () => {
    expect(() => new JaegerServer(testChart(), 'J', { ...props, storage: { kind: 'memory', maxTraces: 0 } }))
      .toThrow('[test/J] storage.maxTraces: must be a positive integer (memory storage is unbounded otherwise), got 0');
    expect(() => new JaegerServer(testChart(), 'J', { ...props, storage: { kind: 'badger', storageSize: Size.gibibytes(1), spanRetention: Duration.minutes(30) } }))
      .toThrow('[test/J] storage.spanRetention: must be a positive number of whole hours, got 1800s');
  });
});
