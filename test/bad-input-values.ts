/**
 * Bad values the types would refuse but a JavaScript file, a cast or a hurried edit lets through: strings
 * where booleans, sizes, CPU amounts or durations belong, NaN and zero, misspelled time zones and enums,
 * malformed names, labels and PromQL. Each must fail synth with the field and the value as written.
 */
import { ApiObject, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../lib/alerting/alert-catalogue';
import { ServiceLevelObjective, ServiceLevelObjectiveProps } from '../lib/alerting/service-level-objective';
import { AppNamespace } from '../lib/core/app-namespace';
import { WorkloadAutoscaler } from '../lib/core/workload-autoscaler';
import { MysqlCluster } from '../lib/data/mysql-cluster';
import { RedisStore } from '../lib/data/redis-store';
import { ArgoCdApplication } from '../lib/delivery/argo-cd-application';
import { SyncWaves } from '../lib/delivery/sync-waves';
import { GrafanaDashboard } from '../lib/observability/grafana-dashboard';
import { GrafanaProvisioning } from '../lib/observability/grafana-provisioning';
import { LokiServer } from '../lib/observability/loki-server';
import { MetricsExporter } from '../lib/observability/metrics-exporter';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { PodChaosExperiment } from '../lib/safety/pod-chaos-experiment';
import { BlueGreenApp, BlueGreenAppProps } from '../lib/web/blue-green-app';
import { TlsIngress } from '../lib/web/tls-ingress';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName } from '../stacks/config';
import type { BadInput } from './bad-input-cases';
import { SMALL_RESOURCES } from './helpers';

/** A copy of an environment with one section changed (values a cast lets through included). */
function change<K extends keyof EnvironmentConfig>(name: EnvironmentName, key: K, value: (current: EnvironmentConfig[K]) => unknown): EnvironmentConfig {
  const base = ENVIRONMENTS[name];
  return { ...base, [key]: value(base[key]) } as EnvironmentConfig;
}

/** A copy of an environment with one field of a section changed. */
function field<K extends keyof EnvironmentConfig>(name: EnvironmentName, key: K, values: Record<string, unknown>): EnvironmentConfig {
  return change(name, key, (current) => ({ ...(current as object), ...values }));
}

function extra(root: Construct): Chart {
  return new Chart(root, 'Extra', { namespace: 'ecommerce', disableResourceNameHashes: true });
}

function shop(scope: Construct, props: Record<string, unknown> = {}): BlueGreenApp {
  return new BlueGreenApp(scope, 'Shop', {
    name: 'shop', imageRepository: 'ghcr.io/acme/shop', blueImageTag: 'v1.0.0', greenImageTag: 'v1.0.0', liveColour: 'blue',
    resources: SMALL_RESOURCES, replicas: 1, idleReplicas: 1, ...props,
  } as unknown as BlueGreenAppProps);
}

const RULE: AlertRuleSpec = {
  alert: 'ShopDown', expr: 'up{job="shop"} == 0', for: Duration.minutes(5), severity: 'critical', priority: 'P1', team: 'platform',
  summary: 'Shop is down', description: 'No shop pod answers scrapes.', runbook: 'shop-down',
};

function alert(root: Construct, rule: Record<string, unknown>): void {
  AlertCatalogue.of(root).addRule(extra(root), { name: 'shop' }, { ...RULE, ...rule } as unknown as AlertRuleSpec);
}

const SLO: ServiceLevelObjectiveProps = {
  name: 'checkout_latency', objectivePercent: 99, window: Duration.days(30), team: 'platform', description: 'checkout answers fast',
  latency: { histogram: 'http_request_duration_seconds', matchers: 'route="checkout"', threshold: Duration.millis(500) },
};

function slo(root: Construct, props: Record<string, unknown>): void {
  new ServiceLevelObjective(extra(root), 'Slo', { ...SLO, ...props } as unknown as ServiceLevelObjectiveProps);
}

function panel(root: Construct, spec: Record<string, unknown>): void {
  const dashboard = new GrafanaDashboard({ uid: 'shop', title: 'Shop' });
  dashboard.addTimeseries({ title: 'Requests', queries: [{ expr: 'sum(rate(http_requests_total[5m]))' }], ...spec } as never);
  new GrafanaProvisioning(extra(root), 'Dashboards', { partOf: 'ecommerce', datasources: [], dashboards: [dashboard] });
}

function ingress(root: Construct, props: Record<string, unknown>): void {
  const chart = extra(root);
  const app = shop(chart);
  new TlsIngress(chart, 'Ingress', {
    name: 'shop', partOf: 'ecommerce', host: 'shop.example.com', service: app.liveService, certificateName: 'shop-tls', issuerName: 'letsencrypt-prod', ...props,
  } as never);
}

function argo(root: Construct, props: Record<string, unknown>): void {
  new ArgoCdApplication(extra(root), 'Argo', {
    name: 'shop', project: 'shop', repoUrl: 'https://git.example.com/shop.git', targetRevision: 'main', path: 'dist/prod', cluster: 'prod', automatedSync: false, ...props,
  } as never);
}

const PROBE = { path: '/health/ready', initialDelay: Duration.seconds(5), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 };

const secret = (root: Construct, key: string) => ({ secret: kplus.Secret.fromSecretName(root, `S-${key}`, 'shop-secrets'), key });

const DNS_LABEL = 'must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters)';
const DNS_SUBDOMAIN = 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters)';
const REPOSITORY = 'must be an image repository such as "ghcr.io/acme/shop" (lower-case path components of letters, digits, \'.\', \'_\' and \'-\')';
const NO_TAG = 'must be a repository without tag or digest (the tag is a separate field)';
const TIME_ZONE = 'must be an IANA time zone such as "Europe/Berlin" or "UTC"';
const GIT_REVISION = 'must be a Git branch, tag or commit (no spaces, \'..\', \'~\', \'^\', \':\', \'?\', \'*\', \'[\', \'\\\\\', "@{", and no part starting with \'.\' or ending in ".lock")';
const PROM_LABEL = 'must be a Prometheus label name (letters, digits and \'_\', not starting with a digit or "__")';
const SIZE = 'must be a Size such as Size.gibibytes(10)';
const POSITIVE_SIZE = 'must be a finite Size greater than zero';
const CPU = 'must be a Cpu such as Cpu.millis(250)';
const BOOLEAN = 'must be a boolean such as true';

export const VALUE_MISTAKES: BadInput[] = [
  // Booleans written as strings: "false" is truthy and would turn features on.
  { what: 'a GitOps automatedSync of "false"', env: 'prod', config: field('prod', 'gitops', { automatedSync: 'false' }), message: `[environment prod] gitops.automatedSync: ${BOOLEAN}, got "false"` },
  { what: 'requirePinnedImages of "true"', env: 'prod', config: change('prod', 'requirePinnedImages', () => 'true'), message: `[environment prod] requirePinnedImages: ${BOOLEAN}, got "true"` },
  { what: 'an appDebug of "false"', env: 'staging', config: field('staging', 'web', { appDebug: 'false' }), message: `[environment staging] web.appDebug: ${BOOLEAN}, got "false"` },
  { what: 'backups enabled as 1', env: 'prod', config: field('prod', 'backup', { enabled: 1 }), message: `[environment prod] backup.enabled: ${BOOLEAN}, got 1` },
  { what: 'a BlueGreenApp requirePinnedImages of "false"', env: 'prod', add: (root) => shop(extra(root), { requirePinnedImages: 'false' }), message: '[prod/Extra/Shop] requirePinnedImages: must be true or false, got "false"' },
  { what: 'an Argo CD Application automatedSync of "false"', env: 'prod', add: (root) => argo(root, { automatedSync: 'false' }), message: '[prod/Extra/Argo] automatedSync: must be true or false, got "false"' },
  // Optional sections: present means checked, whatever their shape.
  { what: 'a cluster autoscaler section given as a string', env: 'prod', config: change('prod', 'clusterAutoscaler', () => 'aws'), message: '[environment prod] clusterAutoscaler: must be an object, got "aws"' },
  { what: 'a cluster autoscaler memory limit as a string', env: 'prod', config: change('prod', 'clusterAutoscaler', (c) => ({ ...c!, resources: { ...c!.resources, memoryLimit: '600Mi' } })), message: `[environment prod] clusterAutoscaler.resources.memoryLimit: ${SIZE}, got "600Mi"` },
  { what: 'a chaos failure duration in plain seconds', env: 'staging', config: field('staging', 'chaos', { podFailureDuration: 60 }), message: '[environment staging] chaos.podFailureDuration: must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got 60' },
  { what: 'a chaos section given as true', env: 'staging', config: change('staging', 'chaos', () => true), message: '[environment staging] chaos: must be an object, got true' },
  // Sizes: zero, NaN, strings.
  { what: 'a MySQL volume of 0Gi', env: 'prod', config: field('prod', 'mysql', { storage: Size.gibibytes(0) }), message: `[environment prod] mysql.storage: ${POSITIVE_SIZE}, got Size 0Gi` },
  { what: 'a MySQL volume of NaN GiB', env: 'staging', config: field('staging', 'mysql', { storage: Size.gibibytes(NaN) }), message: `[environment staging] mysql.storage: ${POSITIVE_SIZE}, got Size NaNGi` },
  { what: 'a Redis volume as the string "20Gi"', env: 'prod', config: field('prod', 'redis', { storage: '20Gi' }), message: `[environment prod] redis.storage: ${SIZE}, got "20Gi"` },
  { what: 'a Redis maxmemory of 0', env: 'dev', config: field('dev', 'redis', { maxMemory: Size.mebibytes(0) }), message: `[environment dev] redis.maxMemory: ${POSITIVE_SIZE}, got Size 0Mi` },
  { what: 'a backup workspace of NaN GiB', env: 'prod', config: field('prod', 'backup', { workspaceSize: Size.gibibytes(NaN) }), message: `[environment prod] backup.workspaceSize: ${POSITIVE_SIZE}, got Size NaNGi` },
  { what: 'a backup scratch size as a number', env: 'prod', config: field('prod', 'backup', { scratchSize: 50 }), message: `[environment prod] backup.scratchSize: ${SIZE}, got 50` },
  { what: 'a web memory limit as the string "512Mi"', env: 'prod', config: field('prod', 'web', { resources: { ...ENVIRONMENTS.prod.web.resources, memoryLimit: '512Mi' } }), message: `[environment prod] web.resources.memoryLimit: ${SIZE}, got "512Mi"` },
  { what: 'a web CPU request as the string "250m"', env: 'prod', config: field('prod', 'web', { resources: { ...ENVIRONMENTS.prod.web.resources, cpuRequest: '250m' } }), message: `[environment prod] web.resources.cpuRequest: ${CPU}, got "250m"` },
  { what: 'a quota CPU as a number', env: 'prod', config: field('prod', 'quota', { requestsCpu: 16 }), message: `[environment prod] quota.requestsCpu: ${CPU}, got 16` },
  { what: 'a quota of "100" pods', env: 'prod', config: field('prod', 'quota', { pods: '100' }), message: '[environment prod] quota.pods: must be an integer of at least 1, got "100"' },
  { what: 'a MysqlCluster volume of 0Gi', env: 'prod', add: (root) => new MysqlCluster(extra(root), 'Db', { partOf: 'ecommerce', replicas: 0, storage: Size.gibibytes(0), storageClassName: 'fast', resources: SMALL_RESOURCES, rootPassword: secret(root, 'root'), replicationPassword: secret(root, 'repl') }), message: `[prod/Extra/Db] storage: ${POSITIVE_SIZE}, got Size 0Gi` },
  { what: 'a RedisStore maxMemory of NaN MiB', env: 'prod', add: (root) => new RedisStore(extra(root), 'Cache', { name: 'cache', partOf: 'ecommerce', password: secret(root, 'pw'), resources: SMALL_RESOURCES, maxMemory: Size.mebibytes(NaN), storage: Size.gibibytes(1), storageClassName: 'fast' }), message: `[prod/Extra/Cache] maxMemory: ${POSITIVE_SIZE}, got Size NaNMi` },
  { what: 'a BlueGreenApp memory limit as a string', env: 'prod', add: (root) => shop(extra(root), { resources: { ...SMALL_RESOURCES, memoryLimit: '256Mi' } }), message: `[prod/Extra/Shop] resources.memoryLimit: ${SIZE}, got "256Mi"` },
  { what: 'a BlueGreenApp CPU limit as a string', env: 'prod', add: (root) => shop(extra(root), { resources: { ...SMALL_RESOURCES, cpuLimit: '1' } }), message: `[prod/Extra/Shop] resources.cpuLimit: ${CPU}, got "1"` },
  { what: 'an AppNamespace quota memory as a string', env: 'prod', add: (root) => new AppNamespace(extra(root), 'Ns', { name: 'batch', partOf: 'ecommerce', containerDefaults: SMALL_RESOURCES, quota: { requestsCpu: kplus.Cpu.units(1), limitsCpu: kplus.Cpu.units(2), requestsMemory: Size.gibibytes(1), limitsMemory: '2Gi', pods: 10 } } as never), message: `[prod/Extra/Ns] quota.limitsMemory: ${SIZE}, got "2Gi"` },
  // Durations.
  { what: 'a Loki retention given as "30d"', env: 'prod', config: change('prod', 'monitoring', (m) => ({ ...m, stack: { ...(m as { stack: object }).stack, loki: { ...(m as { stack: { loki: object } }).stack.loki, retentionPeriod: '30d' } } })), message: '[environment prod] monitoring.stack.loki.retentionPeriod: must be a positive number of whole days, got "30d"' },
  { what: 'a LokiServer retention given as "30d"', env: 'prod', add: (root) => new LokiServer(extra(root), 'Loki', { partOf: 'ecommerce', image: 'grafana/loki:3.1.1', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(5), retentionPeriod: '30d' } as never), message: '[prod/Extra/Loki] retentionPeriod: must be a Duration such as Duration.minutes(5), got "30d"' },
  { what: 'a chaos experiment of 1.5 seconds', env: 'staging', add: (root) => new PodChaosExperiment(extra(root), 'Chaos', { podLabels: { app: 'shop' }, duration: Duration.millis(1500) } as never), message: '[staging/Extra/Chaos] duration: must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got 1.5s' },
  // Time zones, by the runtime's IANA data.
  { what: 'a misspelled backup time zone', env: 'prod', config: field('prod', 'backup', { timeZone: 'Europe/Berln' }), message: `[environment prod] backup.timeZone: ${TIME_ZONE}, got "Europe/Berln"` },
  { what: 'a lower-case backup time zone', env: 'prod', config: field('prod', 'backup', { timeZone: 'europe/berlin' }), message: `[environment prod] backup.timeZone: ${TIME_ZONE}, got "europe/berlin"` },
  { what: 'a UTC offset instead of a time zone', env: 'staging', config: field('staging', 'backup', { timeZone: '+01:00' }), message: `[environment staging] backup.timeZone: ${TIME_ZONE}, got "+01:00"` },
  { what: 'an empty backup time zone', env: 'prod', config: field('prod', 'backup', { timeZone: '' }), message: `[environment prod] backup.timeZone: ${TIME_ZONE}, got ""` },
  { what: 'a backup schedule as a cron string', env: 'prod', config: field('prod', 'backup', { schedule: '0 */6 * * *' }), message: '[environment prod] backup.schedule: must be a Cron such as Cron.daily(), got "0 */6 * * *"' },
  // Thresholds and rates: finite, positive.
  { what: 'a NaN error-rate threshold', env: 'prod', config: change('prod', 'alerting', (a) => ({ ...a, thresholds: { ...a.thresholds, errorRatePercent: NaN } })), message: '[environment prod] alerting.thresholds.errorRatePercent: must be a positive number, got NaN' },
  { what: 'an infinite queue backlog threshold', env: 'prod', config: change('prod', 'alerting', (a) => ({ ...a, thresholds: { ...a.thresholds, queueBacklogJobs: Infinity } })), message: '[environment prod] alerting.thresholds.queueBacklogJobs: must be a positive number, got Infinity' },
  { what: 'a CPU threshold as the string "85"', env: 'staging', config: change('staging', 'alerting', (a) => ({ ...a, thresholds: { ...a.thresholds, cpuUsagePercent: '85' } })), message: '[environment staging] alerting.thresholds.cpuUsagePercent: must be a positive number, got "85"' },
  { what: 'a response-time threshold in plain seconds', env: 'prod', config: change('prod', 'alerting', (a) => ({ ...a, thresholds: { ...a.thresholds, responseTimeP95: 2 } })), message: '[environment prod] alerting.thresholds.responseTimeP95: must be a positive Duration such as Duration.seconds(2), got 2' },
  { what: 'a NaN colour traffic rate', env: 'prod', config: field('prod', 'alerting', { colourTrafficRequestsPerSecond: NaN }), message: '[environment prod] alerting.colourTrafficRequestsPerSecond: must be a positive number, got NaN' },
  { what: 'NaN MySQL replicas', env: 'prod', config: field('prod', 'mysql', { replicas: NaN }), message: '[environment prod] mysql.replicas: must be an integer from 0 to 9, got NaN' },
  { what: 'NaN idle replicas', env: 'prod', config: field('prod', 'web', { idleReplicas: NaN }), message: '[environment prod] web.idleReplicas: must be an integer of at least 1, got NaN' },
  { what: 'a CPU target of 0 %', env: 'prod', config: field('prod', 'web', { autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 0 } }), message: '[environment prod] web.autoscaling.cpuUtilizationPercent: must be an integer from 1 to 100, got 0' },
  { what: 'an SLO latency threshold in plain seconds', env: 'prod', add: (root) => slo(root, { latency: { ...SLO.latency, threshold: 0.5 } }), message: '[prod/Extra/Slo] latency.threshold: must be a positive Duration such as Duration.millis(500), got 0.5' },
  { what: 'an SLO window as a Prometheus string', env: 'prod', add: (root) => slo(root, { window: '30d' }), message: '[prod/Extra/Slo] window: must be a positive Duration such as Duration.days(30), got "30d"' },
  { what: 'an SLO objective of NaN', env: 'prod', add: (root) => slo(root, { objectivePercent: NaN }), message: '[prod/Extra/Slo] objectivePercent: must be a finite number, got NaN' },
  { what: 'an SLO objective as the string "99.9"', env: 'prod', add: (root) => slo(root, { objectivePercent: '99.9' }), message: '[prod/Extra/Slo] objectivePercent: must be a finite number, got "99.9"' },
  { what: 'a BlueGreenApp traffic threshold of NaN', env: 'prod', add: (root) => shop(extra(root), { replicas: undefined, autoscaling: { minReplicas: 1, maxReplicas: 2, requestsPerSecondPerPod: NaN } }), message: '[prod/Extra/Shop] autoscaling.requestsPerSecondPerPod: must be a positive number, got NaN' },
  { what: 'an HPA minimum of NaN', env: 'prod', add: (root) => {
    const chart = extra(root);
    new WorkloadAutoscaler(chart, 'Hpa', { name: 'shop-hpa', target: shop(chart).blue.deployment, minReplicas: NaN, maxReplicas: 3, metrics: [] });
  }, message: '[prod/Extra/Hpa] minReplicas: must be an integer of at least 1, got NaN' },
  // Enums.
  { what: 'an unknown alert severity', env: 'prod', add: (root) => alert(root, { severity: 'page' }), message: '[prod/Extra] rule.severity: must be one of "critical", "warning", "info", got "page"' },
  { what: 'an alert for given as a Prometheus string', env: 'prod', add: (root) => alert(root, { for: '5m' }), message: '[prod/Extra] alert ShopDown for: must be a positive Duration such as Duration.minutes(5), got "5m"' },
  {
    what: 'an alert test time given as a Prometheus string', env: 'prod',
    add: (root) => alert(root, { tests: [{ name: 'down', series: [{ series: 'up{job="shop"}', values: '0x10' }], firing: [{ at: Duration.minutes(6) }], silentAt: ['2m'] }] }),
    message: '[prod/Extra] rule.tests[0].silentAt[0]: must be a Duration of zero or more such as Duration.minutes(5), got "2m"',
  },
  { what: 'an unknown alert priority', env: 'prod', add: (root) => alert(root, { priority: 'P5' }), message: '[prod/Extra] rule.priority: must be one of "P0", "P1", "P2", "P3", got "P5"' },
  { what: 'an unknown MySQL engine', env: 'prod', config: field('prod', 'mysql', { engine: 'postgres' }), message: '[environment prod] mysql.engine: must be one of "mysql", "mariadb", got "postgres"' },
  { what: 'an unknown Redis eviction policy', env: 'prod', config: field('prod', 'redis', { maxMemoryPolicy: 'lru' }), message: '[environment prod] redis.maxMemoryPolicy: must be one of "noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "volatile-ttl", got "lru"' },
  { what: 'an unknown issuer kind', env: 'prod', config: field('prod', 'tlsIssuer', { kind: 'GlobalIssuer' }), message: '[environment prod] tlsIssuer.kind: must be one of "ClusterIssuer", "Issuer", got "GlobalIssuer"' },
  { what: 'an unknown worker scaling metric', env: 'prod', config: field('prod', 'workers', { autoscaling: { metric: 'cpu', minReplicas: 1, maxReplicas: 5 } }), message: '[environment prod] workers.autoscaling.metric: must be one of "queueLength", "resources", got "cpu"' },
  { what: 'an unknown network protocol', env: 'prod', add: (root) => NetworkConnections.of(root).allow(extra(root), { from: NetworkPeer.pods('ecommerce', { app: 'a' }), to: NetworkPeer.pods('ecommerce', { app: 'b' }), port: 53, protocol: 'SCTP' as never, reason: 'r' }), message: '[prod/Extra] network.allow.protocol: must be one of "TCP", "UDP", got "SCTP"' },
  // Alert and Prometheus labels.
  { what: 'an alert label name with a dash', env: 'prod', add: (root) => alert(root, { labels: { 'on-call': 'shop' } }), message: `[prod/Extra] rule.labels.on-call: ${PROM_LABEL}, got "on-call"` },
  { what: 'an alert label name reserved by Prometheus', env: 'prod', add: (root) => alert(root, { labels: { __tenant: 'shop' } }), message: `[prod/Extra] rule.labels.__tenant: ${PROM_LABEL}, got "__tenant"` },
  { what: 'an alert label name starting with a digit', env: 'prod', add: (root) => alert(root, { labels: { '1team': 'shop' } }), message: `[prod/Extra] rule.labels.1team: ${PROM_LABEL}, got "1team"` },
  { what: 'an alert label value that is a number', env: 'prod', add: (root) => alert(root, { labels: { tier: 1 } }), message: '[prod/Extra] rule.labels.tier: must be a string, got 1' },
  { what: 'an alert expression that is not PromQL', env: 'prod', add: (root) => alert(root, { expr: 'up{job="shop" == 0' }), message: '[prod/Extra] alert ShopDown expr: is not valid PromQL: syntax error at character 15 (near "== 0") in "up{job=\\"shop\\" == 0"' },
  { what: 'an alert name given as a number', env: 'prod', add: (root) => alert(root, { alert: 42 }), message: '[prod/Extra] rule.alert: must be a string, got 42' },
  { what: 'an operator selector key with a space', env: 'staging', config: change('staging', 'monitoring', (m) => ({ ...m, operatorSelector: { 'release name': 'kps' } })), message: '[environment staging] monitoring.operatorSelector.release name: must be a label key ([prefix/]name: a DNS subdomain prefix, a name of at most 63 letters, digits, \'-\', \'_\', \'.\'), got "release name"' },
  // Dashboard PromQL and panels.
  { what: 'a dashboard query with an unclosed bracket', env: 'prod', add: (root) => panel(root, { queries: [{ expr: 'sum(rate(http_requests_total[5m])' }] }), message: '[dashboard "shop"] panel "Requests".queries[0].expr: is not valid PromQL: syntax error at character 34 (near "<end>") in "sum(rate(http_requests_total[5m])"' },
  { what: 'a dashboard query with a bad matcher', env: 'prod', add: (root) => panel(root, { queries: [{ expr: 'up{job=shop}' }] }), message: '[dashboard "shop"] panel "Requests".queries[0].expr: is not valid PromQL: syntax error at character 8 (near "shop}") in "up{job=shop}"' },
  { what: 'a dashboard query given as a number', env: 'prod', add: (root) => panel(root, { queries: [{ expr: 1 }] }), message: '[dashboard "shop"] panel "Requests".queries[0].expr: must be a string, got 1' },
  { what: 'a dashboard panel width of NaN', env: 'prod', add: (root) => panel(root, { width: NaN }), message: '[dashboard "shop"] panel "Requests".width: must be an integer of at least 1, got NaN' },
  { what: 'an unknown dashboard unit', env: 'prod', add: (root) => panel(root, { unit: 'seconds' }), message: '[dashboard "shop"] panel "Requests".unit: must be one of "reqps", "s", "ms", "percent", "percentunit", "bytes", "short", "none", "ops", got "seconds"' },
  // Sync waves through the public static method.
  { what: 'a fractional sync wave', env: 'prod', add: (root) => SyncWaves.setWave(ApiObject.of(new kplus.ConfigMap(extra(root), 'Cm', { metadata: { name: 'shop-waves' } })), 1.5), message: '[prod/Extra/Cm/Resource] syncWave: must be an integer from -1000000 to 1000000, got 1.5' },
  { what: 'a NaN sync wave', env: 'prod', add: (root) => SyncWaves.setWave(ApiObject.of(new kplus.ConfigMap(extra(root), 'Cm', { metadata: { name: 'shop-waves' } })), NaN), message: '[prod/Extra/Cm/Resource] syncWave: must be an integer from -1000000 to 1000000, got NaN' },
  // Name-like fields.
  { what: 'an upper-case image repository', env: 'prod', config: field('prod', 'web', { imageRepository: 'ghcr.io/Acme/Shop' }), message: `[environment prod] web.imageRepository: ${REPOSITORY}, got "ghcr.io/Acme/Shop"` },
  { what: 'an image repository with its tag baked in', env: 'prod', config: field('prod', 'web', { imageRepository: 'ghcr.io/acme/shop:v1.2.3' }), message: `[environment prod] web.imageRepository: ${NO_TAG}, got "ghcr.io/acme/shop:v1.2.3"` },
  { what: 'a worker image repository with a digest', env: 'staging', config: field('staging', 'workers', { imageRepository: `ghcr.io/acme/worker@sha256:${'a'.repeat(64)}` }), message: `[environment staging] workers.imageRepository: ${NO_TAG}, got "ghcr.io/acme/worker@sha256:${'a'.repeat(64)}"` },
  { what: 'an image repository with a trailing slash', env: 'dev', config: field('dev', 'web', { imageRepository: 'ghcr.io/acme/' }), message: `[environment dev] web.imageRepository: ${REPOSITORY}, got "ghcr.io/acme/"` },
  { what: 'a BlueGreenApp repository with a tag', env: 'prod', add: (root) => shop(extra(root), { imageRepository: 'ghcr.io/acme/shop:latest' }), message: `[prod/Extra/Shop] imageRepository: ${NO_TAG}, got "ghcr.io/acme/shop:latest"` },
  { what: 'a git revision with a space', env: 'prod', config: field('prod', 'gitops', { targetRevision: 'release 1.2' }), message: `[environment prod] gitops.targetRevision: ${GIT_REVISION}, got "release 1.2"` },
  { what: 'a git revision with two dots', env: 'prod', config: field('prod', 'gitops', { targetRevision: 'release..1' }), message: `[environment prod] gitops.targetRevision: ${GIT_REVISION}, got "release..1"` },
  { what: 'a git revision ending in .lock', env: 'staging', config: field('staging', 'gitops', { targetRevision: 'feature/x.lock' }), message: `[environment staging] gitops.targetRevision: ${GIT_REVISION}, got "feature/x.lock"` },
  { what: 'an Argo CD revision with a caret', env: 'prod', add: (root) => argo(root, { targetRevision: 'v1.2.3^' }), message: `[prod/Extra/Argo] targetRevision: ${GIT_REVISION}, got "v1.2.3^"` },
  { what: 'an upper-case issuer name', env: 'prod', config: field('prod', 'tlsIssuer', { name: 'LetsEncrypt' }), message: `[environment prod] tlsIssuer.name: ${DNS_SUBDOMAIN}, got "LetsEncrypt"` },
  { what: 'an ingress class with a space', env: 'prod', config: change('prod', 'ingressClassName', () => 'nginx public'), message: `[environment prod] ingressClassName: ${DNS_SUBDOMAIN}, got "nginx public"` },
  { what: 'a TlsIngress class in upper case', env: 'prod', add: (root) => ingress(root, { ingressClassName: 'Nginx' }), message: `[prod/Extra/Ingress] ingressClassName: ${DNS_SUBDOMAIN}, got "Nginx"` },
  { what: 'a TlsIngress issuer with a space', env: 'prod', add: (root) => ingress(root, { issuerName: 'letsencrypt prod' }), message: `[prod/Extra/Ingress] issuerName: ${DNS_SUBDOMAIN}, got "letsencrypt prod"` },
  { what: 'a MySQL storage class with an underscore', env: 'prod', config: field('prod', 'mysql', { storageClassName: 'fast_ssd' }), message: `[environment prod] mysql.storageClassName: ${DNS_LABEL}, got "fast_ssd"` },
  { what: 'an environment variable name with a dash', env: 'prod', add: (root) => shop(extra(root), { env: { 'APP-KEY': 'x' } }), message: '[prod/Extra/Shop] env.APP-KEY: must be an environment variable name (letters, digits and \'_\', not starting with a digit), got "APP-KEY"' },
  { what: 'a Secret key with a slash', env: 'prod', add: (root) => shop(extra(root), { secretEnv: { API_KEY: { secret: kplus.Secret.fromSecretName(root, 'Api', 'api'), key: 'api/key' } } }), message: '[prod/Extra/Shop] secretEnv.API_KEY.key: must be a Secret or ConfigMap key (letters, digits, \'-\', \'_\', \'.\'), got "api/key"' },
  { what: 'a Secret given by name', env: 'prod', add: (root) => shop(extra(root), { secretEnv: { API_KEY: { secret: 'api', key: 'key' } } }), message: '[prod/Extra/Shop] secretEnv.API_KEY.secret: must be a Secret such as kplus.Secret.fromSecretName(scope, id, name), got "api"' },
  { what: 'a worker queue list given as one string', env: 'prod', config: field('prod', 'workers', { queues: 'default' }), message: '[environment prod] workers.queues: must be an array, got "default"' },
  { what: 'a metrics exporter port as a string', env: 'prod', add: (root) => new MetricsExporter(extra(root), 'Exporter', { name: 'shop-exporter', partOf: 'ecommerce', image: 'x/y:v1.0.0', port: '9100', healthPath: '/', resources: SMALL_RESOURCES, runAsUser: 1000 } as never), message: '[prod/Extra/Exporter] port: must be a port number from 1 to 65535, got "9100"' },
  { what: 'a connection port as a string', env: 'prod', add: (root) => NetworkConnections.of(root).allow(extra(root), { from: NetworkPeer.pods('ecommerce', { app: 'a' }), to: NetworkPeer.pods('ecommerce', { app: 'b' }), port: '443' as never, reason: 'r' }), message: '[prod/Extra] network.allow.port: must be a port number from 1 to 65535, got "443"' },
  { what: 'a connection peer given as a label map', env: 'prod', add: (root) => NetworkConnections.of(root).allow(extra(root), { from: { app: 'a' } as never, to: NetworkPeer.pods('ecommerce', { app: 'b' }), port: 443, reason: 'r' }), message: '[prod/Extra] network.allow.from: must be a NetworkPeer such as NetworkPeer.pods(namespace, labels), got {"app":"a"}' },
  // Probes.
  { what: 'a relative readiness probe path', env: 'prod', add: (root) => shop(extra(root), { probes: { readiness: { ...PROBE, path: 'health/ready' } } }), message: '[prod/Extra/Shop] probes.readiness.path: must be an absolute URL path starting with "/", got "health/ready"' },
  { what: 'a liveness probe period of 0', env: 'prod', add: (root) => shop(extra(root), { probes: { liveness: { ...PROBE, period: Duration.seconds(0) } } }), message: '[prod/Extra/Shop] probes.liveness.period: must be a whole number of seconds, at least 1s, got Duration 0 seconds' },
  { what: 'a startup probe failure threshold of 0', env: 'prod', add: (root) => shop(extra(root), { probes: { startup: { ...PROBE, failureThreshold: 0 } } }), message: '[prod/Extra/Shop] probes.startup.failureThreshold: must be an integer of at least 1, got 0' },
  { what: 'a probe timeout in plain seconds', env: 'prod', add: (root) => shop(extra(root), { probes: { readiness: { ...PROBE, timeout: 3 } } }), message: '[prod/Extra/Shop] probes.readiness.timeout: must be a Duration such as Duration.minutes(5), got 3' },
  { what: 'a probe given as a path string', env: 'prod', add: (root) => shop(extra(root), { probes: { readiness: '/health/ready' } }), message: '[prod/Extra/Shop] probes.readiness: must be an object with path, initialDelay, period, timeout, failureThreshold, got "/health/ready"' },
  { what: 'a relative writable path', env: 'prod', add: (root) => shop(extra(root), { writablePaths: ['tmp'] }), message: '[prod/Extra/Shop] writablePaths[0]: must be an absolute path starting with "/" (no spaces, no ".."), got "tmp"' },
  // Wrong types at the top of a construct.
  { what: 'BlueGreenApp props left out', env: 'prod', add: (root) => new BlueGreenApp(extra(root), 'Shop', undefined as never), message: '[prod/Extra/Shop] props: must be an object, got nothing' },
  { what: 'an idle replica count of "1"', env: 'prod', add: (root) => shop(extra(root), { idleReplicas: '1' }), message: '[prod/Extra/Shop] idleReplicas: must be an integer of at least 1, got "1"' },
  { what: 'a verification schedule minute of 61', env: 'prod', config: field('prod', 'backup', { verificationSchedule: Cron.schedule({ minute: '61' }) }), message: '[environment prod] backup.verificationSchedule: minute 61 is outside 0-59, got "61 * * * *"' },
];
