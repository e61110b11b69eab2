import { Duration } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { closestName, editDistance } from '../lib/core/did-you-mean';
import { ValidationError } from '../lib/core/errors';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentConfig, EnvironmentName, RELEASES, ReleaseState, StandaloneMonitoringStack, loadEnvironment, validateRelease } from '../stacks/config';
import { DEV_MONITORING, PROD_MONITORING, STAGING_MONITORING } from '../stacks/config/shared';
import { withWeb } from './environment-helpers';
import { nonEmpty } from './helpers';

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
  const withStack = (stack: Partial<StandaloneMonitoringStack>): EnvironmentConfig => {
    const base = ENVIRONMENTS.prod;
    return { ...base, monitoring: { mode: 'standalone', runbookBaseUrl: base.monitoring.runbookBaseUrl, stack: { ...PROD_MONITORING, ...stack } } };
  };

  test('prod keeps the seed\'s retention and sizes; dev is smaller and shorter', () => {
    const prod = PROD_MONITORING;
    expect([prod.prometheus.retentionTime.toDays(), prod.prometheus.storageSize.toGibibytes(), prod.grafana.storageSize.toGibibytes()]).toEqual([30, 100, 10]);
    const dev = DEV_MONITORING;
    expect(dev.prometheus.storageSize.toGibibytes()).toBeLessThan(prod.prometheus.storageSize.toGibibytes());
    expect(dev.prometheus.retentionTime.toDays()).toBe(3);
  });

  test('rejects a monitoring image that is not pinned, in any environment', () => {
    const config = withStack({ images: { ...PROD_MONITORING.images, grafana: 'grafana/grafana:latest' } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.images.grafana: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "grafana/grafana:latest"');
  });

  test('rejects a retention that is not a positive Duration', () => {
    const config = withStack({ prometheus: { ...PROD_MONITORING.prometheus, retentionTime: '30 days' as never } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.prometheus.retentionTime: must be a positive Duration such as Duration.days(30), got "30 days"');
  });

  test('Loki keeps seed 000\'s 50 Gi in prod; Jaeger keeps traces in memory only in dev', () => {
    expect(PROD_MONITORING.loki.storageSize.toGibibytes()).toBe(50);
    expect(DEV_MONITORING.jaeger.storage).toEqual({ kind: 'memory', maxTraces: 10000 });
    expect(PROD_MONITORING.jaeger.storage.kind).toBe('badger');
  });

  test('rejects a Loki retention that is not whole days and unbounded Jaeger memory', () => {
    const loki = withStack({ loki: { ...PROD_MONITORING.loki, retentionPeriod: Duration.hours(30) } });
    expect(() => loadEnvironment('prod', { prod: loki }))
      .toThrow('[environment prod] monitoring.stack.loki.retentionPeriod: must be a positive number of whole days, got 108000s');
    const jaeger = withStack({ jaeger: { ...PROD_MONITORING.jaeger, storage: { kind: 'memory', maxTraces: 0 } } });
    expect(() => loadEnvironment('prod', { prod: jaeger }))
      .toThrow('[environment prod] monitoring.stack.jaeger.storage.maxTraces: must be a positive integer, got 0');
  });

  test('rejects exporter resources whose limit is below the request', () => {
    const config = withStack({ exporterResources: { ...PROD_MONITORING.exporterResources, cpuLimit: Cpu.millis(1) } });
    expect(() => loadEnvironment('prod', { prod: config }))
      .toThrow('[environment prod] monitoring.stack.exporterResources.cpuLimit: must be at least cpuRequest (25m), got 1m');
  });
});

describe('unknown keys', () => {
  const load = (name: EnvironmentName, config: unknown) => () => loadEnvironment(name, { [name]: config as EnvironmentConfig });

  test('fail at load with the path and the closest known key, without tsc', () => {
    const typo = { ...ENVIRONMENTS.prod, monitoring: { ...ENVIRONMENTS.prod.monitoring, stack: { ...PROD_MONITORING, storageClass: 'fast-ssd' } } };
    expect(load('prod', typo)).toThrow(new ValidationError('environment prod', 'monitoring.stack.storageClass', 'unknown key (did you mean storageClassName?)'));
    expect(load('prod', typo)).toThrow('[environment prod] monitoring.stack.storageClass: unknown key (did you mean storageClassName?)');
  });

  test('are found at every depth: the top level, a nested resources object, a list of peers', () => {
    expect(load('dev', { ...ENVIRONMENTS.dev, replicas: 2 })).toThrow('[environment dev] replicas: unknown key; expected one of ');
    const web = { ...ENVIRONMENTS.staging.web, resources: { ...ENVIRONMENTS.staging.web.resources, cpuLimt: Cpu.millis(500) } };
    expect(load('staging', { ...ENVIRONMENTS.staging, web })).toThrow('[environment staging] web.resources.cpuLimt: unknown key (did you mean cpuLimit?)');
    const network = { ...ENVIRONMENTS.prod.network, prometheus: { ...ENVIRONMENTS.prod.network.prometheus, podLabel: {} } };
    expect(load('prod', { ...ENVIRONMENTS.prod, network })).toThrow('[environment prod] network.prometheus.podLabel: unknown key (did you mean podLabels?)');
  });

  test('follow the monitoring mode: operator mode carries no standalone sizing', () => {
    const staging = { ...ENVIRONMENTS.staging, monitoring: { ...ENVIRONMENTS.staging.monitoring, stack: { ...STAGING_MONITORING, prometheus: PROD_MONITORING.prometheus } } };
    expect(load('staging', staging)).toThrow('[environment staging] monitoring.stack.prometheus: unknown key; expected one of ');
    const standalone = { ...ENVIRONMENTS.prod, monitoring: { ...ENVIRONMENTS.prod.monitoring, operatorSelector: { release: 'x' } } };
    expect(load('prod', standalone)).toThrow('[environment prod] monitoring.operatorSelector: unknown key; expected one of mode, runbookBaseUrl, stack');
  });

  test('did-you-mean picks the closest key and stays quiet when nothing is close', () => {
    expect(closestName('storageClass', ['storageSize', 'storageClassName', 'resources'])).toBe('storageClassName');
    expect(closestName('replicaz', ['replicas', 'idleReplicas'])).toBe('replicas');
    expect(closestName('colour', ['storageClassName', 'resources'])).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  test('a wrong type names the field and the value as typed', () => {
    expect(load('prod', { ...ENVIRONMENTS.prod, requirePinnedImages: 'true' })).toThrow('[environment prod] requirePinnedImages: must be a boolean such as true, got "true"');
    expect(load('prod', { ...ENVIRONMENTS.prod, quota: { ...ENVIRONMENTS.prod.quota, requestsMemory: '32Gi' } })).toThrow('[environment prod] quota.requestsMemory: must be a Size such as Size.gibibytes(10), got "32Gi"');
  });
});

describe('release lines', () => {
  test('every shipped release line passes its schema', () => {
    for (const name of nonEmpty(ENVIRONMENT_NAMES, 'environment')) {
      expect(() => validateRelease(name, RELEASES[name])).not.toThrow();
    }
  });

  test('a misspelt key in a release line is named with the closest known key', () => {
    const typo = { ...RELEASES.prod, greenImageTg: 'v1.3.0' } as unknown as ReleaseState;
    expect(() => validateRelease('prod', typo)).toThrow('[releases prod] greenImageTg: unknown key (did you mean greenImageTag?)');
    expect(() => validateRelease('prod', { ...RELEASES.prod, liveColour: 'purple' as never })).toThrow('[releases prod] liveColour: must be one of "blue", "green", got "purple"');
  });
});
