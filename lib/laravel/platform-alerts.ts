import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../alerting/alert-catalogue';
import { Check, checkArrayOf, checkDnsLabel, checkNonEmpty, checkPositive, checkProps, checkShape, checkString, optional, Rules } from '../core/checks';
import { positiveDuration } from '../core/durations';
import { assertAt, show } from '../core/errors';
import { platformAlertRules } from './private/platform-alert-rules';
import { laravelQueueListKeyPrefix } from './laravel-queues';

import type { PlatformAlertThresholds } from './platform-alert-thresholds';

export type { PlatformAlertThresholds } from './platform-alert-thresholds';

/** The seeds' thresholds (000's where both seeds set one). */
export const SEED_ALERT_THRESHOLDS: PlatformAlertThresholds = {
  errorRatePercent: 5,
  responseTimeP95: Duration.seconds(2),
  averageResponseTime: Duration.seconds(1),
  queueBacklogJobs: 1000,
  memoryUsagePercent: 85,
  cpuUsagePercent: 85,
  diskFreePercent: 15,
  certificateExpiry: Duration.days(7),
  paymentFailurePercent: 10,
  cacheHitRatePercent: 80,
  databaseConnections: 450,
  cartAbandonmentPercent: 85,
  replicationLag: Duration.seconds(30),
};

/**
 * Metric families the Laravel app exports on `/metrics`: what the seed alerts, SLOs and dashboards read.
 * Its scrape target declares them, so synth can tell a rule over a metric nobody exports.
 */
export const LARAVEL_APP_METRICS: readonly string[] = [
  'http_requests_total', 'http_request_duration_seconds', 'queue_jobs_', 'payment_transactions_total', 'orders_created_total',
  'order_processing_duration_seconds', 'cache_hit_rate', 'db_connections_active', 'cart_abandonment_rate', 'database_queries_per_request',
];

/** Every alert {@link PlatformAlerts} can register, in catalogue order. */
export const PLATFORM_ALERT_NAMES: readonly string[] = [
  'ServiceDown', 'HighErrorRate', 'DatabaseDown', 'RedisDown', 'MySQLReplicationStopped', 'MySQLReplicationLag', 'HighResponseTime', 'QueueBacklog', 'PodCrashLooping',
  'HighMemoryUsage', 'HighCPUUsage', 'DiskSpaceLow', 'CertificateExpiringSoon', 'PaymentFailureSpike',
  'NoOrdersProcessed', 'SlowResponseTime', 'LowCacheHitRate', 'DatabaseConnectionPoolExhaustion',
  'HighCartAbandonmentRate',
];

const PERCENT_FIELDS = ['errorRatePercent', 'memoryUsagePercent', 'cpuUsagePercent', 'diskFreePercent', 'paymentFailurePercent', 'cacheHitRatePercent', 'cartAbandonmentPercent'] as const;

/** Props of {@link PlatformAlerts}. */
export interface PlatformAlertsProps {
  /** Namespace the app runs in; app metrics are matched on it. */
  readonly appNamespace: string;

  /**
   * Thresholds.
   *
   * @default SEED_ALERT_THRESHOLDS
   */
  readonly thresholds?: PlatformAlertThresholds;

  /**
   * Alerts not to register (an environment without real orders has no use for NoOrdersProcessed).
   *
   * @default - every alert in PLATFORM_ALERT_NAMES
   */
  readonly disabledAlerts?: readonly string[];

  /**
   * Scrape job of the Laravel app (`up{job=...}`).
   *
   * @default 'laravel-metrics'
   */
  readonly appJob?: string;

  /**
   * Scrape job of the MySQL exporter.
   *
   * @default 'mysql-exporter'
   */
  readonly databaseJob?: string;

  /**
   * Scrape job of the Redis exporter; it also reports the queues' list lengths (`redis_key_size`).
   *
   * @default 'redis-exporter'
   */
  readonly redisJob?: string;

  /**
   * Prefix of the queues' Redis list keys; a queue's name is the rest of the key.
   *
   * @default - laravelQueueListKeyPrefix(): `laravel_database_queues:`
   */
  readonly queueListKeyPrefix?: string;
  /**
   * App name: container alerts match its pods (`<appName>-...`, both colours).
   *
   * @default 'laravel'
   */
  readonly appName?: string;
}

/** Every numeric threshold field, for the run-time check. */
const THRESHOLD_FIELDS: ReadonlyArray<keyof PlatformAlertThresholds> = [
  'errorRatePercent', 'queueBacklogJobs', 'memoryUsagePercent', 'cpuUsagePercent',
  'diskFreePercent', 'paymentFailurePercent', 'cacheHitRatePercent', 'databaseConnections', 'cartAbandonmentPercent',
];

/**
 * The run-time check of {@link PlatformAlertThresholds}: every numeric threshold a finite number above zero,
 * every time threshold a positive Duration.
 */
export const checkAlertThresholds: Check = checkShape({
  ...Object.fromEntries(THRESHOLD_FIELDS.map((f) => [f, checkPositive])),
  responseTimeP95: positiveDuration('Duration.seconds(2)'),
  averageResponseTime: positiveDuration('Duration.seconds(1)'),
  certificateExpiry: positiveDuration('Duration.days(7)'),
  replicationLag: optional(positiveDuration('Duration.seconds(30)')),
});

/** Run-time checks of {@link PlatformAlertsProps}, applied before anything is created. */
const PLATFORM_ALERTS_RULES: Rules = {
  appNamespace: checkDnsLabel,
  thresholds: optional(checkAlertThresholds),
  disabledAlerts: optional(checkArrayOf(checkString)),
  appJob: optional(checkNonEmpty),
  databaseJob: optional(checkNonEmpty),
  appName: optional(checkDnsLabel),
};

/**
 * Registers the platform's alerts (PrometheusRule `laravel-ecommerce-alerts` and `alerts.yml`) in the
 * {@link AlertCatalogue}, with the environment's thresholds, each with its promtool unit tests.
 */
export class PlatformAlerts extends Construct {
  /** The registered alerts, in catalogue order. */
  public readonly rules: AlertRuleSpec[];

  constructor(scope: Construct, id: string, props: PlatformAlertsProps) {
    super(scope, id);
    checkProps(this, props, PLATFORM_ALERTS_RULES);
    const thresholds = props.thresholds ?? SEED_ALERT_THRESHOLDS;
    const disabled = props.disabledAlerts ?? [];
    const appJob = props.appJob ?? 'laravel-metrics';
    const databaseJob = props.databaseJob ?? 'mysql-exporter';
    const redisJob = props.redisJob ?? 'redis-exporter';
    const appName = props.appName ?? 'laravel';
    const keyPrefix = props.queueListKeyPrefix ?? laravelQueueListKeyPrefix();
    assertAt(this, 'queueListKeyPrefix', /^[A-Za-z0-9_:.-]+$/.test(keyPrefix) ? undefined
      : `must be letters, digits, '_', ':', '.' or '-', got ${show(keyPrefix)}`);
    assertAt(this, 'appName', checkDnsLabel(appName));
    assertAt(this, 'appNamespace', checkDnsLabel(props.appNamespace));
    assertAt(this, 'thresholds', checkAlertThresholds(thresholds));
    for (const field of PERCENT_FIELDS) {
      assertAt(this, `thresholds.${field}`, thresholds[field] < 100 ? undefined : `must be below 100, got ${thresholds[field]}`);
    }
    for (const name of disabled) {
      assertAt(this, 'disabledAlerts', PLATFORM_ALERT_NAMES.includes(name) ? undefined
        : `unknown alert ${JSON.stringify(name)}; expected some of ${PLATFORM_ALERT_NAMES.join(', ')}`);
    }
    const ns = `namespace="${props.appNamespace}"`;
    const catalogue = AlertCatalogue.of(this);
    this.rules = platformAlertRules({
      app: ns,
      appContainers: `${ns},pod=~"${appName}-.+",container!=""`,
      appJob: `job="${appJob}"`,
      databaseJob: `job="${databaseJob}"`,
      redisJob: `job="${redisJob}"`,
      appTestLabels: ns,
      appContainerTestLabels: `container="app",${ns},pod="${appName}-blue-7d9f8c6b5-x2k4p"`,
      queueLength: `label_replace(redis_key_size{job="${redisJob}",key=~"${promRegex(keyPrefix)}.+"}, "queue", "$1", "key", "${promRegex(keyPrefix)}(.+)")`,
      queueLengthTestSeries: (queue) => `redis_key_size{job="${redisJob}",db="db0",key="${keyPrefix}${queue}"}`,
    }, thresholds)
      .filter(({ rule }) => !disabled.includes(rule.alert))
      .map(({ group, rule }) => catalogue.addRule(this, group, rule));
  }
}

/** `text` as a PromQL regular expression matching it literally (in a double-quoted string). */
function promRegex(text: string): string {
  return text.replace(/[.]/g, '\\\\.');
}
