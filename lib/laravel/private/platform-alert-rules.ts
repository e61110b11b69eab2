import { Duration } from 'cdk8s';
/**
 * The platform's alerts (PrometheusRule `laravel-ecommerce-alerts` and `prometheus/alerts.yml`),
 * reconciled into one rule each, with their promtool unit tests.
 *
 * Duplicates: HighErrorRate and QueueBacklog appear in both sources; the production rules win (an
 * error *ratio* rather than 001's absolute `rate(app_errors_total[5m]) > 10`, which pages a busy shop and
 * ignores a quiet one; 000's backlog of 1000 for 10m). Seed expressions that were wrong are fixed where
 * they are written, with the reason.
 */
import { AlertGroupSpec, AlertRuleSpec, AlertTestCase } from '../../alerting/alert-catalogue';
import type { PlatformAlertThresholds } from '../platform-alert-thresholds';
import { Decimal } from '../../core/decimal';
import { counter, gauge, sampleCount, thresholdCases } from '../../alerting/test-series';

/** Label matchers, defined once per source of metrics. */
export interface AlertSelectors {
  /** Metrics the app exports, in its namespace: `namespace="ecommerce"`. */
  readonly app: string;
  /** cAdvisor series of the app's containers (pod-level and pause-container series excluded). */
  readonly appContainers: string;
  /** The app's scrape job, for `up`. */
  readonly appJob: string;
  /** The MySQL exporter's scrape job, for `up` and `mysql_up`. */
  readonly databaseJob: string;
  /** The Redis exporter's scrape job, for `up` and `redis_up`. */
  readonly redisJob: string;
  /** Label set a test series needs to match `app`. */
  readonly appTestLabels: string;
  /** Label set a test series needs to match `appContainers`. */
  readonly appContainerTestLabels: string;
  /**
   * Waiting jobs per queue, labelled `queue`: the length the Redis exporter reports for each queue's list,
   * the same list the worker's scaler reads.
   */
  readonly queueLength: string;
  /** A series `queueLength` reads, for queue `queue`. */
  readonly queueLengthTestSeries: (queue: string) => string;
}

/** The platform's alert groups and their intervals. */
export const APPLICATION_GROUP: AlertGroupSpec = { name: 'application', interval: Duration.seconds(30) };
export const BUSINESS_GROUP: AlertGroupSpec = { name: 'business-metrics', interval: Duration.minutes(1) };
export const APPLICATION_ALERTS_GROUP: AlertGroupSpec = { name: 'application_alerts', interval: Duration.seconds(30) };

const fraction = (percent: number) => Decimal.of(percent).times(Decimal.of('0.01')).toString();

/** Every seed alert, by group, built from the thresholds. */
export function platformAlertRules(s: AlertSelectors, t: PlatformAlertThresholds): Array<{ group: AlertGroupSpec; rule: AlertRuleSpec }> {
  const n = (extra: number) => sampleCount(Duration.minutes(30), extra);
  const errorRatio = Number(fraction(t.errorRatePercent));
  const requests = (ok: number, failed: number, samples: number) => [
    counter(`http_requests_total{${s.appTestLabels},status="200"}`, ok, samples),
    counter(`http_requests_total{${s.appTestLabels},status="500"}`, failed, samples),
  ];
  const upSeries = (job: string, value: number) => gauge(`up{${job},instance="10.0.0.7:9000",${s.appTestLabels}}`, value, 10);
  const container = `{${s.appContainerTestLabels}}`;
  const memoryLimit = 512 * 1024 * 1024;
  // Thresholds in the seconds the metrics count in.
  const seconds = (d: Duration) => d.toMilliseconds() / 1000;
  const lagSeconds = seconds(t.replicationLag ?? Duration.seconds(30));
  const p95Seconds = seconds(t.responseTimeP95);
  const averageSeconds = seconds(t.averageResponseTime);
  const expirySeconds = seconds(t.certificateExpiry);
  const replica = `channel_name="",${s.databaseJob},instance="mysql-replica-1:3306",master_host="mysql-primary",${s.appTestLabels}`;
  const cpuQuota = { quota: 50000, period: 100000 };
  const application: AlertRuleSpec[] = [
    {
      alert: 'ServiceDown',
      // `or absent(...)`: a target that vanished from service discovery (Deployment deleted, every pod
      // gone) has no `up` series at all, so `up == 0` alone would stay silent through a total outage.
      expr: `up{${s.appJob}} == 0 or absent(up{${s.appJob}})`,
      for: Duration.minutes(1), severity: 'critical', priority: 'P0', team: 'platform',
      summary: 'Laravel service is down',
      description: 'Laravel application in namespace {{ $labels.namespace }} has been down for more than 1 minute',
      runbook: 'service-down',
      tests: [
        ...thresholdCases({
          what: 'scrape target down', for: Duration.minutes(1), onsetSeconds: 0,
          bad: [upSeries(s.appJob, 0)], healthy: [upSeries(s.appJob, 1)],
          labels: labelsOf(`${s.appJob},instance="10.0.0.7:9000",${s.appTestLabels}`),
        }),
        { name: 'no target at all: fires through absent()', series: [], firing: [{ at: Duration.minutes(2), labels: labelsOf(s.appJob) }] },
      ],
    },
    {
      alert: 'HighErrorRate',
      // Divides by the request rate only where there is traffic (`> 0`): with no requests the seed's ratio
      // is 0/0 = NaN, which silently drops out of comparisons and poisons anything aggregated from it.
      expr: `sum(rate(http_requests_total{${s.app},status=~"5.."}[5m]))\n/\n(sum(rate(http_requests_total{${s.app}}[5m])) > 0)\n> ${fraction(t.errorRatePercent)}`,
      for: Duration.minutes(2), severity: 'critical', priority: 'P0', team: 'platform',
      summary: `Error rate above ${t.errorRatePercent}%`,
      description: 'Error rate is {{ $value | humanizePercentage }} for the last 5 minutes',
      runbook: 'high-error-rate',
      tests: [
        ...thresholdCases({
          what: `${t.errorRatePercent * 2}% errors`, for: Duration.minutes(2), onsetSeconds: 60,
          bad: requests(6000 * (1 - Math.min(1, errorRatio * 2)), 6000 * Math.min(1, errorRatio * 2), 10),
          healthy: requests(6000 * (1 - errorRatio / 2), 6000 * errorRatio / 2, 10),
        }),
        { name: 'no traffic at all: no alert and no NaN', series: requests(0, 0, 10), silentAt: [Duration.minutes(5)] },
      ],
    },
    {
      alert: 'DatabaseDown',
      expr: serverDown(s.databaseJob, 'mysql_up'),
      for: Duration.minutes(1), severity: 'critical', priority: 'P0', team: 'platform',
      summary: 'Database is unreachable',
      description: 'Cannot reach MySQL {{ $labels.instance }} in namespace {{ $labels.namespace }}: the exporter reports the server down, the exporter itself is down, or no exporter target exists',
      runbook: 'database-down',
      tests: serverDownCases(s.databaseJob, 'mysql_up', 'mysql-primary:3306', s.appTestLabels),
    },
    {
      alert: 'RedisDown',
      expr: serverDown(s.redisJob, 'redis_up'),
      for: Duration.minutes(1), severity: 'critical', priority: 'P0', team: 'platform',
      summary: 'Redis is unreachable',
      description: 'Cannot reach Redis {{ $labels.instance }} in namespace {{ $labels.namespace }}: the exporter reports the server down, the exporter itself is down, or no exporter target exists',
      runbook: 'redis-down',
      tests: serverDownCases(s.redisJob, 'redis_up', 'redis-exporter.ecommerce.svc:9121', s.appTestLabels),
    },
    {
      alert: 'MySQLReplicationStopped',
      // Both column spellings: MySQL 8.0's SHOW SLAVE STATUS (slave_*), SHOW REPLICA STATUS (replica_*).
      expr: `${replicationSeries(s.databaseJob, 'io_running')} == 0\nor\n${replicationSeries(s.databaseJob, 'sql_running')} == 0`,
      for: Duration.minutes(2), severity: 'critical', priority: 'P1', team: 'platform',
      summary: 'MySQL replication stopped on {{ $labels.instance }}',
      description: 'The replication IO or SQL thread of {{ $labels.instance }} is not running: the replica serves ever staler reads',
      runbook: 'mysql-replication-stopped',
      tests: [
        ...thresholdCases({
          what: 'SQL thread stopped', for: Duration.minutes(2), onsetSeconds: 0,
          bad: [gauge(`mysql_slave_status_slave_io_running{${replica}}`, 1, 10), gauge(`mysql_slave_status_slave_sql_running{${replica}}`, 0, 10)],
          healthy: [gauge(`mysql_slave_status_slave_io_running{${replica}}`, 1, 10), gauge(`mysql_slave_status_slave_sql_running{${replica}}`, 1, 10)],
          labels: labelsOf(replica),
        }),
        {
          name: 'IO thread stopped (REPLICA STATUS spelling) fires',
          series: [gauge(`mysql_slave_status_replica_io_running{${replica}}`, 0, 10), gauge(`mysql_slave_status_replica_sql_running{${replica}}`, 1, 10)],
          silentAt: [Duration.minutes(1)],
          firing: [{ at: Duration.minutes(3), labels: labelsOf(replica) }],
        },
      ],
    },
    {
      alert: 'MySQLReplicationLag',
      expr: `${replicationSeries(s.databaseJob, 'seconds_behind', ['master', 'source'])} > ${lagSeconds}`,
      for: Duration.minutes(5), severity: 'warning', priority: 'P1', team: 'platform',
      summary: 'MySQL replica {{ $labels.instance }} is {{ $value | humanizeDuration }} behind',
      description: `Replica {{ $labels.instance }} has been more than ${lagSeconds} s behind its source for 5 minutes: reads from it are stale`,
      runbook: 'mysql-replication-lag',
      tests: thresholdCases({
        what: 'lag above the bound', for: Duration.minutes(5), onsetSeconds: 0,
        bad: [gauge(`mysql_slave_status_seconds_behind_master{${replica}}`, lagSeconds * 4, 12)],
        healthy: [gauge(`mysql_slave_status_seconds_behind_master{${replica}}`, lagSeconds, 12)],
        labels: labelsOf(replica),
      }),
    },
    {
      alert: 'HighResponseTime',
      // `sum by (le, path)`: histogram_quantile needs the buckets of one distribution; the seed computed
      // a quantile per pod and series, so one slow pod or an idle series decided the alert.
      expr: `histogram_quantile(0.95,\n  sum by (le, path) (rate(http_request_duration_seconds_bucket{${s.app}}[5m]))\n) > ${p95Seconds}`,
      for: Duration.minutes(5), severity: 'warning', priority: 'P1', team: 'platform',
      summary: `95th percentile response time above ${p95Seconds} seconds`,
      description: 'P95 response time is {{ $value | humanizeDuration }} for {{ $labels.path }}',
      runbook: 'slow-responses',
      tests: thresholdCases({
        what: 'every request slower than the threshold', for: Duration.minutes(5), onsetSeconds: 60,
        bad: latencyBuckets(s.appTestLabels, p95Seconds, 'slow', n(0)),
        healthy: latencyBuckets(s.appTestLabels, p95Seconds, 'fast', n(0)),
        labels: { path: '/checkout' },
      }),
    },
    {
      alert: 'QueueBacklog',
      // The list length redis_exporter reads from Redis (what KEDA scales the workers on), not a gauge the
      // app would have to export; `max by (queue)` keeps one alert per queue.
      expr: `max by (queue) (${s.queueLength}) > ${t.queueBacklogJobs}`,
      for: Duration.minutes(10), severity: 'warning', priority: 'P1', team: 'platform',
      summary: 'Queue has {{ $value }} pending jobs',
      description: 'Queue {{ $labels.queue }} has been backed up for 10 minutes',
      runbook: 'queue-backlog',
      tests: thresholdCases({
        what: 'backlog above the threshold', for: Duration.minutes(10), onsetSeconds: 0,
        bad: [gauge(s.queueLengthTestSeries('default'), t.queueBacklogJobs + 1, n(0))],
        healthy: [gauge(s.queueLengthTestSeries('default'), t.queueBacklogJobs, n(0))],
        labels: { queue: 'default' },
      }),
    },
    {
      alert: 'PodCrashLooping',
      // kubernetes-mixin's rule: the kubelet's own verdict (waiting in CrashLoopBackOff) held for 15 minutes.
      // The seed's restarts-above-zero fired on any single restart (an OOM kill, a node drain, a liveness
      // blip); CrashLoopBackOff means the container keeps dying and the kubelet is backing off.
      // max_over_time bridges the seconds a looping container spends running between back-offs.
      expr: `max_over_time(kube_pod_container_status_waiting_reason{${s.app},reason="CrashLoopBackOff"}[5m]) >= 1`,
      for: Duration.minutes(15), severity: 'warning', priority: 'P1', team: 'platform',
      summary: 'Pod {{ $labels.pod }} is crash looping',
      description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been waiting in CrashLoopBackOff for 15 minutes',
      runbook: 'crash-loop',
      tests: [
        ...thresholdCases({
          what: 'container waiting in CrashLoopBackOff', for: Duration.minutes(15), onsetSeconds: 0,
          bad: [gauge(`kube_pod_container_status_waiting_reason{${s.appContainerTestLabels},reason="CrashLoopBackOff"}`, 1, n(0))],
          healthy: [gauge(`kube_pod_container_status_waiting_reason{${s.appContainerTestLabels},reason="ContainerCreating"}`, 1, n(0))],
          labels: { ...labelsOf(s.appContainerTestLabels), reason: 'CrashLoopBackOff' },
        }),
        {
          name: 'one restart (container running again) never fires',
          series: [{ series: `kube_pod_container_status_waiting_reason{${s.appContainerTestLabels},reason="CrashLoopBackOff"}`, values: `1 ${'_ '.repeat(n(0) - 1).trim()}` }],
          silentAt: [Duration.minutes(20)],
        },
      ],
    },
    {
      alert: 'HighMemoryUsage',
      // Working set, not the seed's usage_bytes: usage counts reclaimable page cache, so it sits near the
      // limit on a healthy pod; the OOM killer and kubelet eviction judge the working set. `> 0` on the
      // limit: a container without one reports 0, and x/0 = +Inf would fire.
      expr: `sum by (namespace, pod, container) (container_memory_working_set_bytes{${s.appContainers}})\n/\n(sum by (namespace, pod, container) (container_spec_memory_limit_bytes{${s.appContainers}}) > 0)\n> ${fraction(t.memoryUsagePercent)}`,
      for: Duration.minutes(10), severity: 'warning', priority: 'P2', team: 'platform',
      summary: `Pod {{ $labels.pod }} memory usage above ${t.memoryUsagePercent}%`,
      description: 'Memory usage is {{ $value | humanizePercentage }}',
      runbook: 'high-memory',
      tests: thresholdCases({
        what: 'working set above the threshold', for: Duration.minutes(10), onsetSeconds: 0,
        bad: [
          gauge(`container_memory_working_set_bytes${container}`, Math.ceil(memoryLimit * (t.memoryUsagePercent + 5) / 100), n(0)),
          gauge(`container_spec_memory_limit_bytes${container}`, memoryLimit, n(0)),
        ],
        healthy: [
          gauge(`container_memory_working_set_bytes${container}`, Math.floor(memoryLimit * (t.memoryUsagePercent - 5) / 100), n(0)),
          gauge(`container_spec_memory_limit_bytes${container}`, memoryLimit, n(0)),
        ],
        labels: labelsOf(s.appContainerTestLabels),
      }),
    },
    {
      alert: 'HighCPUUsage',
      // The seed divided CPU seconds per second by container_spec_cpu_quota alone. The quota is CPU time
      // in microseconds per CFS period (50000 for a 500m limit at the default 100000us period), so the
      // ratio was ~1e-5 and never fired; cores = quota / period.
      expr: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${s.appContainers}}[5m]))\n/\nsum by (namespace, pod, container) ((container_spec_cpu_quota{${s.appContainers}} > 0) / container_spec_cpu_period{${s.appContainers}})\n> ${fraction(t.cpuUsagePercent)}`,
      for: Duration.minutes(10), severity: 'warning', priority: 'P2', team: 'platform',
      summary: `Pod {{ $labels.pod }} CPU usage above ${t.cpuUsagePercent}%`,
      description: 'CPU usage is {{ $value | humanizePercentage }}',
      runbook: 'high-cpu',
      tests: thresholdCases({
        what: 'CPU use above the threshold of a 500m limit', for: Duration.minutes(10), onsetSeconds: 300,
        bad: [
          counter(`container_cpu_usage_seconds_total${container}`, 60 * 0.5 * Math.min(1, (t.cpuUsagePercent + 5) / 100), n(0)),
          gauge(`container_spec_cpu_quota${container}`, cpuQuota.quota, n(0)),
          gauge(`container_spec_cpu_period${container}`, cpuQuota.period, n(0)),
        ],
        healthy: [
          counter(`container_cpu_usage_seconds_total${container}`, 60 * 0.5 * (t.cpuUsagePercent - 5) / 100, n(0)),
          gauge(`container_spec_cpu_quota${container}`, cpuQuota.quota, n(0)),
          gauge(`container_spec_cpu_period${container}`, cpuQuota.period, n(0)),
        ],
        labels: labelsOf(s.appContainerTestLabels),
      }),
    },
    {
      alert: 'DiskSpaceLow',
      expr: `kubelet_volume_stats_available_bytes{${s.app}}\n/\n(kubelet_volume_stats_capacity_bytes{${s.app}} > 0)\n< ${fraction(t.diskFreePercent)}`,
      for: Duration.minutes(5), severity: 'warning', priority: 'P2', team: 'platform',
      summary: `Disk space below ${t.diskFreePercent}% on {{ $labels.persistentvolumeclaim }}`,
      description: 'Only {{ $value | humanizePercentage }} disk space remaining',
      runbook: 'disk-space',
      tests: thresholdCases({
        what: 'free space below the threshold', for: Duration.minutes(5), onsetSeconds: 0,
        bad: volume(s.appTestLabels, t.diskFreePercent - 5, n(0)),
        healthy: volume(s.appTestLabels, t.diskFreePercent + 5, n(0)),
        labels: labelsOf(`${s.appTestLabels},persistentvolumeclaim="mysql-data-mysql-0"`),
      }),
    },
    {
      alert: 'CertificateExpiringSoon',
      // No namespace matcher: cert-manager exports the metric from its own namespace.
      expr: `certmanager_certificate_expiration_timestamp_seconds - time() < ${expirySeconds}`,
      for: Duration.hours(1), severity: 'info', priority: 'P3', team: 'platform',
      summary: 'Certificate {{ $labels.name }} expires in {{ $value | humanizeDuration }}',
      description: 'TLS certificate will expire soon, renewal required',
      runbook: 'cert-renewal',
      tests: thresholdCases({
        what: 'certificate expiring within the threshold', for: Duration.hours(1), onsetSeconds: 0,
        bad: [gauge(`certmanager_certificate_expiration_timestamp_seconds{${s.appTestLabels},name="ecommerce-tls"}`, expirySeconds - 86400, 70)],
        healthy: [gauge(`certmanager_certificate_expiration_timestamp_seconds{${s.appTestLabels},name="ecommerce-tls"}`, expirySeconds + 30 * 86400, 70)],
        labels: labelsOf(`${s.appTestLabels},name="ecommerce-tls"`),
      }),
    },
  ];

  const paymentRatio = Number(fraction(t.paymentFailurePercent));
  const payments = (ok: number, failed: number) => [
    counter(`payment_transactions_total{${s.appTestLabels},status="success"}`, ok, 10),
    counter(`payment_transactions_total{${s.appTestLabels},status="failed"}`, failed, 10),
  ];
  const business: AlertRuleSpec[] = [
    {
      alert: 'PaymentFailureSpike',
      // sum() on both sides: the seed divided rate(x{status="failed"}) by rate(x) series by series, and
      // one-to-one matching pairs each failed series only with itself, so the "ratio" was 1 whenever any
      // payment failed. `> 0` on the denominator: no payments must not read as NaN.
      expr: `sum(rate(payment_transactions_total{${s.app},status="failed"}[5m]))\n/\n(sum(rate(payment_transactions_total{${s.app}}[5m])) > 0)\n> ${fraction(t.paymentFailurePercent)}`,
      for: Duration.minutes(3), severity: 'critical', priority: 'P0', team: 'payments',
      labels: { impact: 'revenue' },
      summary: `Payment failure rate above ${t.paymentFailurePercent}%`,
      description: '{{ $value | humanizePercentage }} of payments are failing. Impact: direct revenue loss',
      runbook: 'payment-failures',
      tests: [
        ...thresholdCases({
          what: 'failures above the threshold', for: Duration.minutes(3), onsetSeconds: 60,
          bad: payments(600 * (1 - Math.min(1, paymentRatio * 2)), 600 * Math.min(1, paymentRatio * 2)),
          healthy: payments(600 * (1 - paymentRatio / 2), 600 * paymentRatio / 2),
        }),
        { name: 'no payments at all: silent', series: payments(0, 0), silentAt: [Duration.minutes(8)] },
      ],
    },
    {
      alert: 'NoOrdersProcessed',
      // sum(): the seed's per-series `rate(...) == 0` fired for every pod that happened to take no order
      // while its siblings did; the question is whether the shop as a whole stopped taking orders.
      expr: `sum(rate(orders_created_total{${s.app}}[10m])) == 0`,
      for: Duration.minutes(10), severity: 'warning', priority: 'P1', team: 'orders',
      summary: 'No orders processed in last 10 minutes',
      description: 'Order creation has stopped - possible system issue',
      runbook: 'order-processing',
      tests: thresholdCases({
        what: 'order counter flat', for: Duration.minutes(10), onsetSeconds: 60,
        bad: [gauge(`orders_created_total{${s.appTestLabels},pod="laravel-blue-1"}`, 100, n(0))],
        healthy: [
          gauge(`orders_created_total{${s.appTestLabels},pod="laravel-blue-1"}`, 100, n(0)),
          counter(`orders_created_total{${s.appTestLabels},pod="laravel-blue-2"}`, 5, n(0)),
        ],
      }),
    },
  ];

  const applicationAlerts: AlertRuleSpec[] = [
    {
      alert: 'SlowResponseTime',
      // The seed compared `app_requests_duration_seconds` with 1000, reading seconds as milliseconds (an
      // average of 17 minutes). The average is the duration histogram's sum over its count.
      expr: `sum(rate(http_request_duration_seconds_sum{${s.app}}[5m]))\n/\n(sum(rate(http_request_duration_seconds_count{${s.app}}[5m])) > 0)\n> ${averageSeconds}`,
      for: Duration.minutes(5), severity: 'warning', priority: 'P2', team: 'platform',
      summary: 'Slow response time detected',
      description: 'Average response time is {{ $value | humanizeDuration }}',
      runbook: 'slow-response-time',
      tests: thresholdCases({
        what: 'average twice the threshold', for: Duration.minutes(5), onsetSeconds: 60,
        bad: durationSums(s.appTestLabels, averageSeconds * 2, n(0)),
        healthy: durationSums(s.appTestLabels, averageSeconds / 2, n(0)),
      }),
    },
    {
      alert: 'LowCacheHitRate',
      expr: `cache_hit_rate{${s.app}} < ${t.cacheHitRatePercent}`,
      for: Duration.minutes(10), severity: 'warning', priority: 'P2', team: 'platform',
      summary: 'Cache hit rate below threshold',
      description: 'Cache hit rate is {{ $value }}%',
      runbook: 'low-cache-hit-rate',
      tests: thresholdCases({
        what: 'hit rate below the threshold', for: Duration.minutes(10), onsetSeconds: 0,
        bad: [gauge(`cache_hit_rate{${s.appTestLabels}}`, t.cacheHitRatePercent - 10, n(0))],
        healthy: [gauge(`cache_hit_rate{${s.appTestLabels}}`, t.cacheHitRatePercent + 10, n(0))],
        labels: labelsOf(s.appTestLabels),
      }),
    },
    {
      alert: 'DatabaseConnectionPoolExhaustion',
      expr: `db_connections_active{${s.app}} > ${t.databaseConnections}`,
      for: Duration.minutes(2), severity: 'critical', priority: 'P1', team: 'platform',
      summary: 'Database connection pool near exhaustion',
      description: '{{ $value }} active connections out of 500',
      runbook: 'database-connection-pool',
      tests: thresholdCases({
        what: 'connections above the threshold', for: Duration.minutes(2), onsetSeconds: 0,
        bad: [gauge(`db_connections_active{${s.appTestLabels}}`, t.databaseConnections + 1, n(0))],
        healthy: [gauge(`db_connections_active{${s.appTestLabels}}`, t.databaseConnections, n(0))],
        labels: labelsOf(s.appTestLabels),
      }),
    },
    {
      alert: 'HighCartAbandonmentRate',
      expr: `cart_abandonment_rate{${s.app}} > ${t.cartAbandonmentPercent}`,
      for: Duration.minutes(30), severity: 'info', priority: 'P3', team: 'orders',
      summary: 'Cart abandonment rate is high',
      description: 'Cart abandonment rate is {{ $value }}%',
      runbook: 'cart-abandonment',
      tests: thresholdCases({
        what: 'abandonment above the threshold', for: Duration.minutes(30), onsetSeconds: 0,
        bad: [gauge(`cart_abandonment_rate{${s.appTestLabels}}`, t.cartAbandonmentPercent + 5, n(5))],
        healthy: [gauge(`cart_abandonment_rate{${s.appTestLabels}}`, t.cartAbandonmentPercent - 5, n(5))],
        labels: labelsOf(s.appTestLabels),
      }),
    },
  ];

  return [
    ...application.map((rule) => ({ group: APPLICATION_GROUP, rule })),
    ...business.map((rule) => ({ group: BUSINESS_GROUP, rule })),
    ...applicationAlerts.map((rule) => ({ group: APPLICATION_ALERTS_GROUP, rule })),
  ];
}

/**
 * A server watched through its exporter is down when the exporter says so (`<upMetric> == 0`: it answers
 * but cannot reach the server), when the exporter's scrape fails (`up == 0`), or when the job has no
 * target at all (`absent`: Deployment deleted). One alert for the three; the first two share labels, so
 * `or` keeps one series per target.
 */
function serverDown(job: string, upMetric: string): string {
  return `${upMetric}{${job}} == 0\nor\nup{${job}} == 0\nor\nabsent(up{${job}})`;
}

/** Either spelling of a replication status series (`slave_io_running` or `replica_io_running`). */
function replicationSeries(job: string, column: string, roles: readonly string[] = ['slave', 'replica']): string {
  const names = column === 'seconds_behind' ? roles.map((r) => `mysql_slave_status_seconds_behind_${r}`) : roles.map((r) => `mysql_slave_status_${r}_${column}`);
  return names.length === 1 ? `${names[0]}{${job}}` : `(${names.map((n) => `${n}{${job}}`).join(' or ')})`;
}

function serverDownCases(job: string, upMetric: string, instance: string, testLabels: string): AlertTestCase[] {
  const target = `${job},instance="${instance}",${testLabels}`;
  const samples = 10;
  return [
    ...thresholdCases({
      what: `exporter up, server down (${upMetric} 0)`, for: Duration.minutes(1), onsetSeconds: 0,
      bad: [gauge(`up{${target}}`, 1, samples), gauge(`${upMetric}{${target}}`, 0, samples)],
      healthy: [gauge(`up{${target}}`, 1, samples), gauge(`${upMetric}{${target}}`, 1, samples)],
      labels: labelsOf(target),
    }),
    ...thresholdCases({
      what: 'exporter down (up 0, no server metric)', for: Duration.minutes(1), onsetSeconds: 0,
      bad: [gauge(`up{${target}}`, 0, samples)],
      healthy: [gauge(`up{${target}}`, 1, samples), gauge(`${upMetric}{${target}}`, 1, samples)],
      labels: labelsOf(target),
    }),
    { name: 'no target at all: fires through absent()', series: [], silentAt: [Duration.seconds(30)], firing: [{ at: Duration.minutes(2), labels: labelsOf(job) }] },
  ];
}

/** `a="1",b="2"` -> `{ a: '1', b: '2' }`. */
export function labelsOf(matchers: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1]] = JSON.parse(`"${match[2]}"`) as string;
  }
  return labels;
}

/** Buckets where every request lands well above (`slow`) or well below (`fast`) the threshold. */
function latencyBuckets(labels: string, threshold: number, speed: 'slow' | 'fast', samples: number) {
  const bucket = (le: string, perMinute: number) => counter(`http_request_duration_seconds_bucket{${labels},path="/checkout",le="${le}"}`, perMinute, samples);
  return speed === 'slow'
    ? [bucket(String(threshold / 2), 0), bucket(String(threshold * 4), 60), bucket('+Inf', 60)]
    : [bucket(String(threshold / 2), 60), bucket(String(threshold * 4), 60), bucket('+Inf', 60)];
}

function durationSums(labels: string, averageSeconds: number, samples: number) {
  return [
    counter(`http_request_duration_seconds_sum{${labels}}`, 60 * averageSeconds, samples),
    counter(`http_request_duration_seconds_count{${labels}}`, 60, samples),
  ];
}

function volume(labels: string, freePercent: number, samples: number) {
  const capacity = 10 * 1024 ** 3;
  const claim = `${labels},persistentvolumeclaim="mysql-data-mysql-0"`;
  return [
    gauge(`kubelet_volume_stats_available_bytes{${claim}}`, Math.round(capacity * freePercent / 100), samples),
    gauge(`kubelet_volume_stats_capacity_bytes{${claim}}`, capacity, samples),
  ];
}
