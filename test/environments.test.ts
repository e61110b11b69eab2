import { Duration } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentConfig, loadEnvironment } from '../stacks/config';
import { withWeb } from './helpers';

function loadVariant(config: EnvironmentConfig): () => EnvironmentConfig {
  return () => loadEnvironment(config.name, { [config.name]: config });
}

describe('environment configuration', () => {
  test('ships dev, staging and prod, each valid', () => {
    expect(ENVIRONMENT_NAMES).toEqual(['dev', 'staging', 'prod']);
    for (const name of ENVIRONMENT_NAMES) {
      expect(loadEnvironment(name).name).toBe(name);
    }
  });

  test('rejects an unknown environment, naming the known ones', () => {
    expect(() => loadEnvironment('qa')).toThrow('[environments] name: unknown environment "qa"; expected one of "dev", "staging", "prod"');
    expect(() => loadEnvironment('__proto__')).toThrow('unknown environment "__proto__"');
  });

  const cases: Array<[string, EnvironmentConfig, string]> = [
    ['a live colour other than blue or green', withWeb('prod', { liveColour: 'purple' as never }), '[environment prod] web.liveColour: must be one of "blue", "green", got "purple"'],
    ['the latest tag in prod', withWeb('prod', { greenImageTag: 'latest' }), '[environment prod] web.greenImageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "latest"'],
    ['a missing tag in prod', withWeb('prod', { blueImageTag: undefined as never }), '[environment prod] web.blueImageTag: required: an image tag or sha256 digest, got nothing'],
    ['a missing host in prod', withWeb('prod', { host: '' }), '[environment prod] web.host: required: a DNS host name such as "shop.example.com", got ""'],
    ['an upper-case host', withWeb('staging', { host: 'Shop.Example.com' }), '[environment staging] web.host: must be a lower-case DNS host name such as "shop.example.com", got "Shop.Example.com"'],
    ['minReplicas above maxReplicas', withWeb('prod', { autoscaling: { minReplicas: 12, maxReplicas: 10 } }), '[environment prod] web.autoscaling.minReplicas: must not exceed maxReplicas (10), got 12'],
    ['negative replicas', withWeb('dev', { replicas: -1 }), '[environment dev] web.replicas: must be an integer of at least 1, got -1'],
    ['an idle colour of zero pods', withWeb('staging', { idleReplicas: 0 }), '[environment staging] web.idleReplicas: must be an integer of at least 1, got 0'],
    ['a CPU limit below its request', withWeb('prod', { resources: { ...ENVIRONMENTS.prod.web.resources, cpuLimit: Cpu.millis(100) } }), '[environment prod] web.resources.cpuLimit: must be at least cpuRequest (250m), got 100m'],
    ['an unknown log level', withWeb('dev', { logLevel: 'verbose' as never }), '[environment dev] web.logLevel: must be one of "debug", "info", "warning", "error", got "verbose"'],
    ['debug mode where images are pinned', withWeb('prod', { appDebug: true }), '[environment prod] web.appDebug: must be false where images are pinned: debug pages leak stack traces and configuration'],
  ];
  test.each(cases)('rejects %s', (_what, config, message) => {
    expect(loadVariant(config)).toThrow(message);
  });

  test('rejects a name that differs from the key it is stored under', () => {
    expect(() => loadEnvironment('staging', { staging: ENVIRONMENTS.dev })).toThrow('[environment staging] name: must equal its key "staging", got "dev"');
  });
});

describe('monitoring.stack', () => {
  const withStack = (stack: Partial<EnvironmentConfig['monitoring']['stack']>): EnvironmentConfig => {
    const base = ENVIRONMENTS.prod;
    return { ...base, monitoring: { ...base.monitoring, stack: { ...base.monitoring.stack, ...stack } } };
  };

  test('prod keeps the seed\'s retention and sizes; dev is smaller and shorter', () => {
    const prod = ENVIRONMENTS.prod.monitoring.stack;
    expect([prod.prometheus.retentionTime, prod.prometheus.storageSize.toGibibytes(), prod.grafana.storageSize.toGibibytes()]).toEqual(['30d', 100, 10]);
    const dev = ENVIRONMENTS.dev.monitoring.stack;
    expect(dev.prometheus.storageSize.toGibibytes()).toBeLessThan(prod.prometheus.storageSize.toGibibytes());
    expect(dev.prometheus.retentionTime).toBe('3d');
  });

  test('rejects a monitoring image that is not pinned, in any environment', () => {
    const config = withStack({ images: { ...ENVIRONMENTS.prod.monitoring.stack.images, grafana: 'grafana/grafana:latest' } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.images.grafana: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "grafana/grafana:latest"');
  });

  test('rejects a retention that is not a Prometheus duration', () => {
    const config = withStack({ prometheus: { ...ENVIRONMENTS.prod.monitoring.stack.prometheus, retentionTime: '30 days' } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.prometheus.retentionTime: must be a Prometheus duration such as "30d", got "30 days"');
  });

  test('Loki keeps seed 000\'s 50 Gi in prod; Jaeger keeps traces in memory only in dev', () => {
    expect(ENVIRONMENTS.prod.monitoring.stack.loki.storageSize.toGibibytes()).toBe(50);
    expect(ENVIRONMENTS.dev.monitoring.stack.jaeger.storage).toEqual({ kind: 'memory', maxTraces: 10000 });
    expect(ENVIRONMENTS.prod.monitoring.stack.jaeger.storage.kind).toBe('badger');
  });

  test('rejects a Loki retention that is not whole days and unbounded Jaeger memory', () => {
    const loki = withStack({ loki: { ...ENVIRONMENTS.prod.monitoring.stack.loki, retentionPeriod: Duration.hours(30) } });
    expect(() => loadEnvironment('prod', { prod: loki }))
      .toThrow('[environment prod] monitoring.stack.loki.retentionPeriod: must be a positive number of whole days, got 108000s');
    const jaeger = withStack({ jaeger: { ...ENVIRONMENTS.prod.monitoring.stack.jaeger, storage: { kind: 'memory', maxTraces: 0 } } });
    expect(() => loadEnvironment('prod', { prod: jaeger }))
      .toThrow('[environment prod] monitoring.stack.jaeger.storage.maxTraces: must be a positive integer, got 0');
  });

  test('rejects exporter resources whose limit is below the request', () => {
    const config = withStack({ exporterResources: { ...ENVIRONMENTS.prod.monitoring.stack.exporterResources, cpuLimit: Cpu.millis(1) } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.exporterResources.cpuLimit: must be at least cpuRequest (25m), got 1m');
  });
});
