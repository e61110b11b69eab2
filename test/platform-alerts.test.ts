import { Duration } from 'cdk8s';
import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { formatPrometheusDuration } from '../lib/core/durations';
import { PLATFORM_ALERT_NAMES, PlatformAlerts, SEED_ALERT_THRESHOLDS } from '../lib/laravel/platform-alerts';
import { testChart, nonEmpty } from './helpers';

const byName = (alerts: PlatformAlerts) => new Map(alerts.rules.map((r) => [r.alert, r]));

describe('PlatformAlerts', () => {
  test('ships every seed alert once, in the seed groups and intervals', () => {
    const chart = testChart();
    new PlatformAlerts(chart, 'Alerts', { appNamespace: 'ecommerce' });
    expect(AlertCatalogue.of(chart).groups().map((g) => [g.name, g.interval && formatPrometheusDuration(g.interval), g.rules.map((r) => r.alert)])).toEqual([
      ['application', '30s', ['ServiceDown', 'HighErrorRate', 'DatabaseDown', 'RedisDown', 'MySQLReplicationStopped', 'MySQLReplicationLag', 'HighResponseTime', 'QueueBacklog', 'PodCrashLooping',
        'HighMemoryUsage', 'HighCPUUsage', 'DiskSpaceLow', 'CertificateExpiringSoon']],
      ['business-metrics', '1m', ['PaymentFailureSpike', 'NoOrdersProcessed']],
      ['application_alerts', '30s', ['SlowResponseTime', 'LowCacheHitRate', 'DatabaseConnectionPoolExhaustion', 'HighCartAbandonmentRate']],
    ]);
    expect(PLATFORM_ALERT_NAMES).toHaveLength(19);
  });

  test('divides CPU use by quota over period, not by the quota alone', () => {
    const cpu = byName(new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce' })).get('HighCPUUsage')!;
    expect(cpu.expr).toContain('(container_spec_cpu_quota{namespace="ecommerce",pod=~"laravel-.+",container!=""} > 0) / container_spec_cpu_period{');
    expect(cpu.expr.endsWith('> 0.85')).toBe(true);
  });

  test('guards ratios against no traffic and sums payment series before dividing', () => {
    const alerts = byName(new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce' }));
    expect(alerts.get('HighErrorRate')!.expr).toContain('/\n(sum(rate(http_requests_total{namespace="ecommerce"}[5m])) > 0)\n> 0.05');
    expect(alerts.get('PaymentFailureSpike')!.expr).toBe(
      'sum(rate(payment_transactions_total{namespace="ecommerce",status="failed"}[5m]))\n/\n(sum(rate(payment_transactions_total{namespace="ecommerce"}[5m])) > 0)\n> 0.1');
  });

  test('takes thresholds from props and prints them exactly', () => {
    const alerts = byName(new PlatformAlerts(testChart(), 'Alerts', {
      appNamespace: 'ecommerce', thresholds: { ...SEED_ALERT_THRESHOLDS, errorRatePercent: 0.1, queueBacklogJobs: 250 },
    }));
    expect(alerts.get('HighErrorRate')!.expr.endsWith('> 0.001')).toBe(true);
    expect(alerts.get('HighErrorRate')!.summary).toBe('Error rate above 0.1%');
    expect(alerts.get('QueueBacklog')!.expr).toBe('max by (queue) (label_replace(redis_key_size{job="redis-exporter",key=~"laravel_database_queues:.+"}, '
      + '"queue", "$1", "key", "laravel_database_queues:(.+)")) > 250');
  });

  test('leaves out disabled alerts, and every registered alert has a firing and a silent test', () => {
    const alerts = new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce', disabledAlerts: ['NoOrdersProcessed'] });
    expect(alerts.rules.map((r) => r.alert)).not.toContain('NoOrdersProcessed');
    expect(alerts.rules).toHaveLength(18);
    for (const rule of nonEmpty(alerts.rules, 'alert rule')) {
      expect([rule.alert, rule.tests!.some((t) => (t.firing ?? []).length > 0), rule.tests!.some((t) => (t.silentAt ?? []).length > 0)])
        .toEqual([rule.alert, true, true]);
    }
  });

  test('rejects an unknown disabled alert and a percentage of 100', () => {
    expect(() => new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce', disabledAlerts: ['HighErorRate'] }))
      .toThrow(/^\[test\/Alerts\] disabledAlerts: unknown alert "HighErorRate"; expected some of ServiceDown, /);
    expect(() => new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce', thresholds: { ...SEED_ALERT_THRESHOLDS, cpuUsagePercent: 100 } }))
      .toThrow('[test/Alerts] thresholds.cpuUsagePercent: must be below 100, got 100');
  });

  test('rejects a time threshold given as a number of days', () => {
    expect(() => new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce', thresholds: { ...SEED_ALERT_THRESHOLDS, certificateExpiry: 7 as never } }))
      .toThrow('[test/Alerts] thresholds.certificateExpiry: must be a positive Duration such as Duration.days(7), got 7');
  });

  test('writes time thresholds in the seconds the metrics count in', () => {
    const alerts = new PlatformAlerts(testChart(), 'Alerts', {
      appNamespace: 'ecommerce', thresholds: { ...SEED_ALERT_THRESHOLDS, responseTimeP95: Duration.millis(500), certificateExpiry: Duration.days(14) },
    });
    const expr = (name: string) => alerts.rules.find((r) => r.alert === name)!.expr;
    expect(expr('HighResponseTime')).toMatch(/\) > 0\.5$/);
    expect(expr('CertificateExpiringSoon')).toBe('certmanager_certificate_expiration_timestamp_seconds - time() < 1209600');
  });

  test('DatabaseDown and RedisDown fire on a dead server behind a live exporter, a dead exporter and a vanished target', () => {
    const alerts = new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce' });
    const rule = (name: string) => alerts.rules.find((r) => r.alert === name)!;
    expect(rule('DatabaseDown').expr).toBe('mysql_up{job="mysql-exporter"} == 0\nor\nup{job="mysql-exporter"} == 0\nor\nabsent(up{job="mysql-exporter"})');
    expect(rule('RedisDown').expr).toBe('redis_up{job="redis-exporter"} == 0\nor\nup{job="redis-exporter"} == 0\nor\nabsent(up{job="redis-exporter"})');
    const firing = rule('DatabaseDown').tests!.filter((t) => (t.firing ?? []).length > 0).map((t) => t.name);
    expect(firing).toEqual([
      'exporter up, server down (mysql_up 0): silent until for (1m) has passed, then fires',
      'exporter down (up 0, no server metric): silent until for (1m) has passed, then fires',
      'no target at all: fires through absent()',
    ]);
  });

  test('PodCrashLooping follows kubernetes-mixin: CrashLoopBackOff held for 15 minutes, not a single restart', () => {
    const alerts = new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce' });
    const rule = alerts.rules.find((r) => r.alert === 'PodCrashLooping')!;
    expect(rule.expr).toBe('max_over_time(kube_pod_container_status_waiting_reason{namespace="ecommerce",reason="CrashLoopBackOff"}[5m]) >= 1');
    expect(rule.for?.toMinutes()).toBe(15);
    expect(rule.tests!.map((t) => t.name)).toContain('one restart (container running again) never fires');
  });

  test('watches replication: a stopped IO or SQL thread, and lag above the configured bound for 5 minutes', () => {
    const alerts = new PlatformAlerts(testChart(), 'Alerts', { appNamespace: 'ecommerce', thresholds: { ...SEED_ALERT_THRESHOLDS, replicationLag: Duration.minutes(2) } });
    const rule = (name: string) => alerts.rules.find((r) => r.alert === name)!;
    expect(rule('MySQLReplicationStopped').expr).toBe('(mysql_slave_status_slave_io_running{job="mysql-exporter"} or mysql_slave_status_replica_io_running{job="mysql-exporter"}) == 0\n'
      + 'or\n(mysql_slave_status_slave_sql_running{job="mysql-exporter"} or mysql_slave_status_replica_sql_running{job="mysql-exporter"}) == 0');
    expect(rule('MySQLReplicationLag').expr).toBe('(mysql_slave_status_seconds_behind_master{job="mysql-exporter"} or mysql_slave_status_seconds_behind_source{job="mysql-exporter"}) > 120');
    expect(rule('MySQLReplicationLag').for?.toMinutes()).toBe(5);
    expect(rule('MySQLReplicationLag').tests![0].series[0].values).toBe('480x12');
  });
});
