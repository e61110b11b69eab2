/**
 * A valid props object for every public construct class (both entry points), for the tests that feed
 * constructs altered props: wrong types (wrong-typed-props.test.ts) and long names (long-names.test.ts).
 */
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as generic from '../lib';
import * as laravel from '../lib/laravel';

/** Both entry points of the library. */
export const lib = { ...generic, ...laravel };
import { SMALL_RESOURCES } from './helpers';

/** Props as the tests alter them. */
export type Props = Record<string, unknown>;

/** A valid props object of one construct and how to create it. */
export interface Fixture {
  readonly props: (chart: Chart) => Props;
  readonly create: (chart: Chart, props: Props) => unknown;
  /**
   * What `props` stands for when it is not one props object: the arguments of a method, or props that
   * may be left out. Such fixtures are not fed a missing or non-object props.
   *
   * @default - one required props object
   */
  readonly propsAre?: 'arguments' | 'optional';
}

/** A fresh chart in namespace `ecommerce`. */
export function chart(): Chart {
  return new Chart(new App(), 'test', { namespace: 'ecommerce', disableResourceNameHashes: true });
}

const secret = (c: Construct, key: string) => ({ secret: kplus.Secret.fromSecretName(c, `Secret-${key}`, 'credentials'), key });

function blueGreenProps(c: Chart): Props {
  return {
    name: 'shop', partOf: 'ecommerce', component: 'web', imageRepository: 'ghcr.io/acme/shop', blueImageTag: 'v1.0.0', greenImageTag: 'v1.0.1',
    liveColour: 'blue', requirePinnedImages: true, resources: SMALL_RESOURCES, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
    idleReplicas: 1, containerPort: 8080, metricsPath: '/metrics', env: { APP_ENV: 'production' }, secretEnv: { APP_KEY: secret(c, 'app-key') },
    envFromConfigMaps: [new kplus.ConfigMap(c, 'Cm', { metadata: { name: 'shop-env' }, data: { A: 'b' } })],
    envFromSecrets: [kplus.Secret.fromSecretName(c, 'EnvSecret', 'shop-env')],
    configMapMounts: [{ configMap: new kplus.ConfigMap(c, 'Mounted', { metadata: { name: 'shop-files' }, data: { 'a.conf': 'x' } }), path: '/etc/shop' }],
    probes: { readiness: { path: '/ready', initialDelay: Duration.seconds(1), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 } }, probeTypeHeader: 'X-Probe', colourLabel: 'colour',
    writablePaths: ['/tmp'], preStopSleep: Duration.seconds(10), terminationGracePeriod: Duration.seconds(40), runAsUser: 1000,
  };
}

function blueGreen(c: Chart): generic.BlueGreenApp {
  return new generic.BlueGreenApp(c, 'App', blueGreenProps(c) as unknown as generic.BlueGreenAppProps);
}

/** Declares the metrics the AlertRules' own alerts read, as a scrape of Prometheus would. */
function declareProducers(c: Chart): undefined {
  lib.MetricProducers.of(c).declare(c, { name: 'scrape job prometheus', metrics: ['prometheus_', 'alertmanager_'] });
  return undefined;
}

function dashboard(): generic.GrafanaDashboard {
  const d = new generic.GrafanaDashboard({ uid: 'd1', title: 'D' });
  d.addStat({ title: 'S', queries: [{ expr: 'up' }] });
  return d;
}

const standard = (cls: new (scope: Construct, id: string, props: never) => unknown) => (c: Chart, props: Props) => new cls(c, 'Subject', props as never);

const TARGETS = [
  { kind: 'pods', job: 'laravel-metrics', namespace: 'ecommerce', selector: { app: 'laravel' }, portName: 'http', path: '/metrics', podTargetLabels: ['app'] },
  { kind: 'service', job: 'redis-exporter', namespace: 'ecommerce', serviceName: 'redis-exporter', serviceLabels: { app: 'redis-exporter' }, portName: 'metrics', port: 9121, path: '/metrics', honorLabels: false },
];

const RECEIVERS = {
  pagerReceiver: 'team-pagerduty', chatReceiver: 'team-slack', chatChannel: '#production-alerts', emailReceiver: 'team-email',
  emailTo: 'alerts@example.com', emailFrom: 'am@example.com', smtpSmarthost: 'smtp.example.com:587', smtpUsername: 'am',
  deadMansSwitchReceiver: 'deadmans-switch', deadMansSwitchUrl: 'https://hc.example.com/ping/x', deadMansSwitchAuthorizationType: 'Bearer',
};

const PROCESS = {
  appName: 'laravel', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/worker', imageTag: 'v1.2.3', requirePinnedImages: true, env: { A: 'b' },
};

/** One fixture per public construct class, by its export name. */
export const FIXTURES: Record<string, Fixture> = {
  AlertCatalogue: {
    propsAre: 'arguments',
    props: () => ({ group: { name: 'backups', interval: Duration.minutes(1) }, rule: { alert: 'BackupTooOld', expr: 'up == 0', for: Duration.minutes(5), severity: 'critical', priority: 'P1', team: 'platform', summary: 's', description: 'd', runbook: 'backup-too-old', labels: { tier: 'db' },
      tests: [{ name: 'down', series: [{ series: 'up', values: '0x10' }], interval: Duration.minutes(1), firing: [{ at: Duration.minutes(6), labels: { job: 'db' } }], silentAt: [Duration.minutes(2)] }] } }),
    create: (c, p) => lib.AlertCatalogue.of(c).addRule(c, p.group as never, p.rule as never),
  },
  AlertRules: { props: (c) => declareProducers(c) ?? ({ output: 'prometheus-rule', runbookBaseUrl: 'https://runbooks.example.com', partOf: 'ecommerce', prometheusRuleName: 'rules', ruleSelectorLabels: { release: 'kps' } }), create: standard(lib.AlertRules) },
  AlertmanagerRouting: {
    props: (c) => ({ receivers: RECEIVERS, partOf: 'ecommerce', credentialsSecret: kplus.Secret.fromSecretName(c, 'Creds', 'alertmanager-receivers'), credentialsPath: '/etc/alertmanager/secrets', configKey: 'alertmanager.yml' }),
    create: standard(lib.AlertmanagerRouting),
  },
  AlertmanagerServer: { props: () => ({ partOf: 'ecommerce', image: 'prom/alertmanager:v0.27.0', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(2), storageClassName: 'fast' }), create: standard(lib.AlertmanagerServer) },
  AppNamespace: {
    props: () => ({ name: 'batch', partOf: 'ecommerce', podSecurity: 'restricted', containerDefaults: SMALL_RESOURCES,
      quota: { requestsCpu: kplus.Cpu.units(1), limitsCpu: kplus.Cpu.units(2), requestsMemory: Size.gibibytes(1), limitsMemory: Size.gibibytes(2), pods: 10, persistentVolumeClaims: 2 } }),
    create: standard(lib.AppNamespace),
  },
  ArgoCdApplication: {
    props: () => ({ name: 'shop-prod', namespace: 'argocd', project: 'shop', repoUrl: 'https://git.example.com/shop.git', targetRevision: 'main', path: 'dist/prod', cluster: 'prod', automatedSync: false, partOf: 'ecommerce' }),
    create: standard(lib.ArgoCdApplication),
  },
  ArgoCdProject: {
    props: () => ({ name: 'shop', namespace: 'argocd', description: 'the shop', sourceRepos: ['https://git.example.com/a.git'], destinations: [{ cluster: 'prod', namespaces: ['shop'] }], clusterResources: [{ group: '', kind: 'Namespace' }] }),
    create: standard(lib.ArgoCdProject),
  },
  BackupCronJob: {
    props: (c) => ({
      name: 'database-backup', partOf: 'ecommerce', engine: 'mysql', schedule: Cron.schedule({ minute: '0', hour: '*/6' }), verificationSchedule: Cron.schedule({ minute: '30', hour: '3', weekDay: '0' }),
      timeZone: 'Etc/UTC', databaseName: 'ecommerce', databasePort: 3306, databaseHost: secret(c, 'db-host'), databaseUser: secret(c, 'db-user'), databasePassword: secret(c, 'db-password'),
      bucket: 'ecommerce-backups', region: 'us-east-1', endpoint: 'https://s3.example.com', accessKeyId: secret(c, 'access-key-id'), secretAccessKey: secret(c, 'secret-access-key'),
      retention: Duration.days(30), resources: SMALL_RESOURCES, verificationResources: SMALL_RESOURCES, workspaceSize: Size.gibibytes(2), scratchSize: Size.gibibytes(4),
      rowCountTolerancePercent: 1, dumpImage: 'mysql:8.0.39', transferImage: 'amazon/aws-cli:2.17.36', runAsUser: 1000, startingDeadline: Duration.minutes(30),
      activeDeadline: Duration.hours(2), verificationActiveDeadline: Duration.hours(2), backoffLimit: 2, jobsHistoryLimit: 3, jobTtl: Duration.days(1), team: 'platform',
    }),
    create: standard(lib.BackupCronJob),
  },
  BlueGreenAlerts: { props: (c) => ({ app: blueGreen(c), appNamespace: 'ecommerce', trafficRequestsPerSecond: 1, colourErrorRatePercent: 5 }), create: standard(lib.BlueGreenAlerts) },
  BlueGreenApp: { props: blueGreenProps, create: standard(generic.BlueGreenApp) },
  ClusterAutoscaler: { props: () => ({ cloudProvider: 'aws', nodeGroupAutoDiscovery: 'asg:tag=k8s.io/cluster-autoscaler/enabled', resources: SMALL_RESOURCES }), create: standard(lib.ClusterAutoscaler) },
  DeployHooks: {
    props: (c) => ({ app: blueGreen(c), resources: SMALL_RESOURCES, migrationCommand: ['php', 'artisan', 'migrate'], cacheWarmCommand: ['php', 'artisan', 'optimize'], smokeTestResources: SMALL_RESOURCES, smokeTestImage: 'curlimages/curl:8.9.1', smokeTestPaths: ['/health/ready'], runAsUser: 1000, smokeTestRunAsUser: 100 }),
    create: standard(lib.DeployHooks),
  },
  GrafanaProvisioning: {
    props: () => ({ partOf: 'ecommerce', datasources: [{ name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-server:9090', isDefault: true }], dashboards: [dashboard()], sidecarLabels: true, extraLabels: { release: 'kps' } }),
    create: standard(lib.GrafanaProvisioning),
  },
  GrafanaServer: {
    props: (c) => ({
      partOf: 'ecommerce', image: 'grafana/grafana:11.2.0', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(10), storageClassName: 'fast',
      provisioning: new lib.GrafanaProvisioning(c, 'Provisioning', { partOf: 'ecommerce', datasources: [], dashboards: [] }),
      adminUser: secret(c, 'admin-user'), adminPassword: secret(c, 'admin-password'),
    }),
    create: standard(lib.GrafanaServer),
  },
  JaegerServer: { props: () => ({ partOf: 'ecommerce', image: 'jaegertracing/jaeger:2.0.0', resources: SMALL_RESOURCES, storage: { kind: 'badger', storageSize: Size.gibibytes(5), spanRetention: Duration.days(3) }, storageClassName: 'fast' }), create: standard(lib.JaegerServer) },
  KubeStateMetrics: { props: () => ({ partOf: 'ecommerce', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', resources: SMALL_RESOURCES }), create: standard(lib.KubeStateMetrics) },
  LaravelConfig: { props: () => ({ appName: 'shop', partOf: 'ecommerce', settings: { APP_ENV: 'production' }, listenPort: 8080, documentRoot: '/var/www/html/public', clientMaxBodySizeMiB: 20 }), create: standard(lib.LaravelConfig) },
  LaravelScheduler: {
    props: () => ({ ...PROCESS, name: 'laravel-scheduler', resources: SMALL_RESOURCES, heartbeatFile: '/tmp/heartbeat', healthCommand: ['php', '-v'], heartbeatMaxAge: Duration.seconds(120), terminationGracePeriod: Duration.seconds(60), runAsUser: 1000 }),
    create: standard(lib.LaravelScheduler),
  },
  LogShipper: { props: () => ({ partOf: 'ecommerce', image: 'grafana/alloy:v1.4.2', resources: SMALL_RESOURCES, lokiPushUrl: 'http://loki:3100/loki/api/v1/push', podLabels: ['app'] }), create: standard(lib.LogShipper) },
  LokiServer: { props: () => ({ partOf: 'ecommerce', image: 'grafana/loki:3.1.1', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(50), storageClassName: 'fast', retentionPeriod: Duration.days(30) }), create: standard(lib.LokiServer) },
  MetricsExporter: {
    props: (c) => ({ name: 'redis-exporter', partOf: 'ecommerce', image: 'oliver006/redis_exporter:v1.62.0', port: 9121, healthPath: '/health', resources: SMALL_RESOURCES, runAsUser: 59000, args: ['--x'], env: { A: 'b' }, secretEnv: { B: secret(c, 'b') } }),
    create: standard(lib.MetricsExporter),
  },
  MysqlCluster: {
    props: (c) => ({
      partOf: 'ecommerce', engine: 'mysql', replicas: 1, database: 'ecommerce', storage: Size.gibibytes(10), storageClassName: 'fast', resources: { ...SMALL_RESOURCES, memoryLimit: Size.gibibytes(2) },
      primaryBufferPool: Size.mebibytes(256), replicaBufferPool: Size.mebibytes(256), primaryMaxConnections: 100, replicaMaxConnections: 100,
      rootPassword: secret(c, 'root'), replicationPassword: secret(c, 'replication'), replicationUser: 'replicator', appUser: { username: secret(c, 'user'), password: secret(c, 'password') },
    }),
    create: standard(lib.MysqlCluster),
  },
  NetworkConnections: {
    propsAre: 'arguments',
    props: () => ({ from: lib.NetworkPeer.pods('ecommerce', { app: 'a' }), to: lib.NetworkPeer.pods('ecommerce', { app: 'b' }), port: 80, protocol: 'TCP', reason: 'r' }),
    create: (c, p) => lib.NetworkConnections.of(c).allow(c, p as never),
  },
  NetworkPolicies: {
    props: () => ({ partOf: 'ecommerce', namespaces: ['ecommerce'], ingressController: { namespaceLabels: { team: 'edge' }, podLabels: {} }, prometheus: { namespaceLabels: { team: 'mon' }, podLabels: { app: 'prometheus' } }, dns: { namespaceLabels: { team: 'dns' }, podLabels: {} } }),
    create: standard(lib.NetworkPolicies),
  },
  ObservabilityStack: {
    props: () => ({ partOf: 'shop', mode: lib.ObservabilityMode.operator({ prometheusUrl: 'http://prometheus.monitoring.svc:9090', selector: { release: 'kps' } }) }),
    create: standard(lib.ObservabilityStack),
  },
  OperatorMonitors: { props: () => ({ targets: TARGETS, selector: { release: 'kps' }, partOf: 'ecommerce', sidecarLabelKeys: ['release'] }), create: standard(lib.OperatorMonitors) },
  PlatformAlerts: {
    props: () => ({
      appNamespace: 'ecommerce', disabledAlerts: ['NoOrdersProcessed'], appJob: 'laravel', databaseJob: 'mysql', appName: 'laravel',
      thresholds: { errorRatePercent: 5, responseTimeP95: Duration.seconds(1), averageResponseTime: Duration.millis(500), queueBacklogJobs: 1000, memoryUsagePercent: 90, cpuUsagePercent: 85, diskFreePercent: 10,
        certificateExpiry: Duration.days(14), paymentFailurePercent: 10, cacheHitRatePercent: 80, databaseConnections: 80, cartAbandonmentPercent: 70 },
    }),
    create: standard(lib.PlatformAlerts),
  },
  PlatformSlos: { props: () => ({ appNamespace: 'ecommerce' }), create: standard(lib.PlatformSlos) },
  ReleaseHealth: {
    props: (c) => {
      const slos = new lib.PlatformSlos(c, 'Slos', { appNamespace: 'ecommerce' });
      return { availability: slos.availability, latency: slos.latency, releaseLabel: 'colour', window: Duration.minutes(2), interval: Duration.seconds(15) };
    },
    create: standard(lib.ReleaseHealth),
  },
  CanaryApp: {
    props: (c) => {
      // Only the two SLOs the analysis reads: this fixture is created once per wrong-typed field.
      const availability = new lib.ServiceLevelObjective(c, 'Availability', {
        name: 'availability', objectivePercent: 99.9, window: Duration.days(30), team: 'platform', description: 'requests succeed',
        ratio: { good: 'http_requests_total{status!~"5.."}', total: 'http_requests_total', testSeries: { good: 'http_requests_total{status="200"}', bad: 'http_requests_total{status="500"}' } },
      });
      const latency = new lib.ServiceLevelObjective(c, 'Latency', {
        name: 'latency_p95', objectivePercent: 95, window: Duration.days(7), team: 'platform', description: 'requests are fast',
        latency: { histogram: 'http_request_duration_seconds', matchers: 'namespace="ecommerce"', threshold: Duration.millis(500) },
      });
      const health = new lib.ReleaseHealth(c, 'Health', { availability, latency, releaseLabel: lib.ROLLOUTS_HASH_SERIES_LABEL });
      return {
        name: 'shop-canary', partOf: 'ecommerce', component: 'web', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v1.1.0', requirePinnedImages: true,
        replicas: 2, resources: SMALL_RESOURCES, containerPort: 8080,
        probes: { readiness: { path: '/ready', initialDelay: Duration.seconds(1), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 } }, probeTypeHeader: 'X-Probe',
        ingress: {
          host: 'canary.shop.example.com', certificateName: 'shop-canary-tls', issuerName: 'letsencrypt', issuerKind: 'ClusterIssuer', ingressClassName: 'nginx',
          allowSourceRanges: ['10.8.0.0/16'], externalAuth: { url: 'https://auth.example.com/check', signinUrl: 'https://auth.example.com/start' },
        },
        metricsPath: '/metrics', metricsPort: 9090, weightsPercent: [20, 60, 100], pause: Duration.seconds(30),
        analysis: {
          health, prometheusUrl: 'http://prometheus:9090', interval: Duration.seconds(30), count: 4, failureLimit: 1, errorRatioMax: 0.01, latencyMax: Duration.millis(300),
          extraMetrics: [{ name: 'error-ratio-strict', query: 'rollouts_pod_template_hash:release_error_ratio:rate2m{rollouts_pod_template_hash="{{args.canary-hash}}"}', max: 0.0005 }],
        },
        env: { APP_ENV: 'production' }, secretEnv: { APP_KEY: secret(c, 'app-key') },
        envFromConfigMaps: [new kplus.ConfigMap(c, 'Cm', { metadata: { name: 'shop-env' }, data: { A: 'b' } })],
        envFromSecrets: [kplus.Secret.fromSecretName(c, 'EnvSecret', 'shop-env')],
        configMapMounts: [{ configMap: new kplus.ConfigMap(c, 'Mounted', { metadata: { name: 'shop-files' }, data: { 'a.conf': 'x' } }), path: '/etc/shop' }],
        writablePaths: ['/tmp'], preStopSleep: Duration.seconds(10), terminationGracePeriod: Duration.seconds(40), runAsUser: 1000, appLabel: 'shop',
      };
    },
    create: standard(lib.CanaryApp),
  },
  VerifiedSwitch: {
    props: (c) => {
      const slos = new lib.PlatformSlos(c, 'Slos', { appNamespace: 'ecommerce' });
      const health = new lib.ReleaseHealth(c, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel: 'colour' });
      return {
        app: blueGreen(c), health, prometheusUrl: 'http://prometheus:9090', image: 'curlimages/curl:8.9.1', resources: SMALL_RESOURCES,
        apiServerCidr: '10.0.0.0/16', bakeTime: Duration.minutes(15), checkInterval: Duration.seconds(30), errorRatioMax: 0.001,
        latencyMax: Duration.millis(200), rollbackCommand: 'npm run rollback -- prod', runAsUser: 100, annotationPrefix: 'delivery.acme.io',
      };
    },
    create: standard(lib.VerifiedSwitch),
  },
  PodChaosExperiment: { props: () => ({ name: 'pod-failure-test', podLabels: { app: 'laravel' }, duration: Duration.seconds(60), partOf: 'ecommerce' }), create: standard(lib.PodChaosExperiment) },
  Policy: { propsAre: 'arguments', props: () => ({ rule: 'image-pinned', reason: 'a reason' }), create: (c, p) => lib.Policy.suppress(new Construct(c, 'Owner'), p.rule as never, p.reason as never) },
  PrometheusServer: {
    props: () => ({ partOf: 'ecommerce', image: 'prom/prometheus:v2.53.2', resources: SMALL_RESOURCES, retentionTime: Duration.days(30), storageSize: Size.gibibytes(100), storageClassName: 'fast', targets: TARGETS, scrapeKubelet: true, scrapeInterval: Duration.seconds(30) }),
    create: standard(lib.PrometheusServer),
  },
  QueueWorker: {
    props: (c) => ({
      ...PROCESS, name: 'laravel-worker', resources: SMALL_RESOURCES, command: ['php', 'artisan', 'queue:work'], queues: ['high', 'default'], jobTimeout: Duration.seconds(60), pollInterval: Duration.seconds(3),
      writablePaths: ['/tmp'], terminationGracePeriod: Duration.seconds(90), heartbeatFile: '/tmp/heartbeat', healthCommand: ['php', '-v'],
      queueBackend: { address: 'redis:6379', databaseIndex: 0, password: secret(c, 'redis-password'), listKeyPrefix: 'laravel_database_queues:' },
      autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5, queues: ['default'], jobsPerPod: 100 }, runAsUser: 1000,
    }),
    create: standard(lib.QueueWorker),
  },

  RedisStore: {
    props: (c) => ({ name: 'redis', partOf: 'ecommerce', password: secret(c, 'password'), resources: { ...SMALL_RESOURCES, memoryLimit: Size.gibibytes(2) }, maxMemory: Size.mebibytes(1024), maxMemoryPolicy: 'noeviction', storage: Size.gibibytes(20), storageClassName: 'fast' }),
    create: standard(lib.RedisStore),
  },
  ClusterRequirements: {
    propsAre: 'arguments',
    props: () => ({ severity: 'error', description: 'kube-state-metrics runs', args: ['get', 'deployments', '-A'], expect: { type: 'contains', values: ['kube-state-metrics'] } }),
    create: (c, p) => lib.ClusterRequirements.of(c).add(c, p as never),
  },
  SecretReferences: { propsAre: 'arguments', props: (c) => ({ secret: kplus.Secret.fromSecretName(c, 'S', 'credentials'), key: 'password' }), create: (c, p) => lib.SecretReferences.of(c).recordKey(c, p.secret as never, p.key as never) },
  ServiceLevelObjective: {
    props: () => ({
      name: 'availability', objectivePercent: 99.9, window: Duration.days(30), team: 'platform', description: 'requests succeed', pagePriority: 'P1',
      ratio: { good: 'http_requests_total{status!~"5.."}', total: 'http_requests_total', testSeries: { good: 'http_requests_total{status="200"}', bad: 'http_requests_total{status="500"}' } },
    }),
    create: standard(lib.ServiceLevelObjective),
  },
  MetricProducers: { propsAre: 'arguments', props: () => ({ name: 'scrape job x', metrics: ['x_'] }), create: (c, p) => lib.MetricProducers.of(c).declare(c, p as never) },
  ReleaseOrder: {
    props: (c) => {
      const app = blueGreen(c);
      const hooks = new lib.DeployHooks(c, 'Hooks', {
        app, resources: SMALL_RESOURCES, migrationCommand: ['php', 'artisan', 'migrate'], cacheWarmCommand: ['php', 'artisan', 'optimize'],
        smokeTestResources: SMALL_RESOURCES, smokeTestImage: 'curlimages/curl:8.9.1',
      });
      return { app, migration: hooks.migration, schemaConsumers: [] };
    },
    create: standard(lib.ReleaseOrder),
  },
  DeclaredNamespaces: { propsAre: 'arguments', props: () => ({ name: 'batch' }), create: (c, p) => lib.DeclaredNamespaces.of(c).declare(p.name as never) },
  MetricSources: { propsAre: 'arguments', props: () => ({ type: 'External', name: 'redis_queue_length' }), create: (c, p) => lib.MetricSources.of(c).declare(c, p.type as never, p.name as never) },
  RedisListScaler: {
    props: (c) => ({
      name: 'worker', hpaName: 'worker-hpa', labels: { app: 'worker' }, minReplicas: 1, maxReplicas: 5, lists: [{ name: 'default', key: 'queues:default' }], itemsPerReplica: 100,
      target: new kplus.Deployment(c, 'Worker', { select: false, podMetadata: { labels: { app: 'worker' } }, containers: [{ image: 'x/y:v1.0.0', resources: { cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(20) } } }] }),
      address: 'redis:6379', databaseIndex: 0, password: secret(c, 'redis-password'), pollingInterval: Duration.seconds(30),
      scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Pods', value: 4, period: Duration.seconds(15) }] },
    }),
    create: standard(lib.RedisListScaler),
  },
  SyncWaves: { propsAre: 'optional', props: () => ({ byKind: { Namespace: -5 } }), create: standard(lib.SyncWaves) },
  TlsIngress: {
    props: (c) => ({ name: 'shop', partOf: 'ecommerce', host: 'shop.example.com', service: blueGreen(c).liveService, servicePort: 80, certificateName: 'shop-tls', issuerName: 'letsencrypt-prod', issuerKind: 'ClusterIssuer', ingressClassName: 'nginx' }),
    create: standard(lib.TlsIngress),
  },
  WorkloadAutoscaler: {
    props: (c) => ({
      name: 'web-hpa', labels: { app: 'web' }, minReplicas: 1, maxReplicas: 5,
      target: new kplus.Deployment(c, 'Web', {
        select: false, podMetadata: { labels: { app: 'web' } },
        containers: [{ image: 'x/y:v1.0.0', resources: { cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(20) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(32) } } }],
      }),
      metrics: [lib.AutoscalerMetric.cpuUtilization(70), lib.AutoscalerMetric.memoryUtilization(80)],
      scaleUp: { stabilizationWindow: Duration.seconds(60), selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, period: Duration.seconds(60) }] },
    }),
    create: standard(lib.WorkloadAutoscaler),
  },
};

