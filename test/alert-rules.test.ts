import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { AlertCatalogue, AlertRuleSpec } from '../lib/alerting/alert-catalogue';
import { AlertRules } from '../lib/alerting/alert-rules';
import { MetricProducers } from '../lib/alerting/metric-producers';
import { selectedMetricNames } from '../lib/alerting/promql';
import { findObject, synthChart, testChart } from './helpers';

const RULE: AlertRuleSpec = {
  alert: 'BackupTooOld', expr: 'time() - backup_last_success_timestamp_seconds > 3600', for: Duration.minutes(5), severity: 'critical', priority: 'P1',
  team: 'platform', summary: 'Backup is old', description: 'No backup for {{ $value | humanizeDuration }}', runbook: 'backup-too-old',
  labels: { component: 'backup' },
  tests: [{
    name: 'stale backup', series: [{ series: 'backup_last_success_timestamp_seconds{job="backup"}', values: '0x20' }],
    firing: [{ at: Duration.minutes(15), labels: { job: 'backup' } }], silentAt: [Duration.minutes(2)],
  }],
};
const PROPS = { runbookBaseUrl: 'https://runbooks.example.com', partOf: 'ecommerce' };

/** A chart whose tree declares the producers of RULE's and the pipeline alerts' metrics. */
function producingChart() {
  const chart = testChart();
  MetricProducers.of(chart).declare(chart, { name: 'scrape job backup', metrics: ['backup_'] });
  MetricProducers.of(chart).declare(chart, { name: 'scrape job prometheus', metrics: ['prometheus_'] });
  return chart;
}

describe('AlertRules', () => {
  test('renders one rule file per group into ConfigMap prometheus-rules, including rules registered later', () => {
    const chart = producingChart();
    new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    AlertCatalogue.of(chart).addRule(new Construct(chart, 'Backup'), { name: 'backups', interval: Duration.minutes(1) }, RULE);
    const cm = findObject(synthChart(chart), 'ConfigMap', 'prometheus-rules');
    expect(Object.keys(cm.data)).toEqual(['alerting-pipeline.yaml', 'backups.yaml']);
    expect(YAML.parse(cm.data['backups.yaml'])).toEqual({
      groups: [{
        name: 'backups', interval: '1m',
        rules: [{
          alert: 'BackupTooOld', expr: RULE.expr, for: '5m',
          labels: { component: 'backup', priority: 'P1', severity: 'critical', team: 'platform' },
          annotations: { description: RULE.description, runbook_url: 'https://runbooks.example.com/backup-too-old', summary: 'Backup is old' },
        }],
      }],
    });
  });

  test('renders a PrometheusRule with the operator selector labels and string expressions, named <partOf>-alerts by default', () => {
    const chart = producingChart();
    new AlertRules(chart, 'Rules', { ...PROPS, output: 'prometheus-rule', ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
    AlertCatalogue.of(chart).addRule(chart, { name: 'backups' }, RULE);
    const objects = synthChart(chart);
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const rule = findObject(objects, 'PrometheusRule', 'ecommerce-alerts');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'ecommerce' });
    expect(rule.spec.groups.map((g: { name: string }) => g.name)).toEqual(['alerting-pipeline', 'backups']);
    expect(rule.spec.groups[1].rules[0].expr).toBe(RULE.expr);
    expect(rule.spec.groups[0].rules[0]).toMatchObject({ alert: 'Watchdog', expr: 'vector(1)' });
  });

  test('turns test cases into promtool tests: exact ALERTS labels when firing, no alerts when silent', () => {
    const chart = testChart();
    const rules = new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    AlertCatalogue.of(chart).addRule(chart, { name: 'backups' }, RULE);
    const file = rules.unitTests().find((f) => f.ruleFile === 'backups.yaml')!;
    expect(file.content).toEqual({
      rule_files: ['backups.yaml'],
      evaluation_interval: '1m',
      tests: [{
        name: 'BackupTooOld: stale backup',
        interval: '1m',
        input_series: [{ series: 'backup_last_success_timestamp_seconds{job="backup"}', values: '0x20' }],
        promql_expr_test: [{
          expr: 'ALERTS{alertname="BackupTooOld",alertstate="firing"}',
          eval_time: '15m',
          exp_samples: [{ labels: 'ALERTS{alertname="BackupTooOld",alertstate="firing",component="backup",job="backup",priority="P1",severity="critical",team="platform"}', value: 1 }],
        }],
        alert_rule_test: [{ eval_time: '2m', alertname: 'BackupTooOld', exp_alerts: [] }],
      }],
    });
  });

  test('writes test times and intervals as Prometheus durations, one evaluation per time', () => {
    const chart = testChart();
    const rules = new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    AlertCatalogue.of(chart).addRule(chart, { name: 'backups' }, { ...RULE, tests: [{
      ...RULE.tests![0], interval: Duration.seconds(30),
      firing: [{ at: Duration.seconds(90), labels: { job: 'a' } }, { at: Duration.minutes(1.5), labels: { job: 'b' } }], silentAt: [Duration.seconds(0)],
    }] });
    type Written = { interval: string; promql_expr_test: Array<{ eval_time: string; exp_samples: unknown[] }>; alert_rule_test: unknown[] };
    const [test] = rules.unitTests().find((f) => f.ruleFile === 'backups.yaml')!.content.tests as Written[];
    expect(test.interval).toBe('30s');
    expect(test.promql_expr_test.map((t) => [t.eval_time, t.exp_samples.length])).toEqual([['1m30s', 2]]);
    expect(test.alert_rule_test).toEqual([{ eval_time: '0s', alertname: 'BackupTooOld', exp_alerts: [] }]);
  });

  test('reports alerts without a firing and a silent test; the Watchdog needs only a firing one', () => {
    const chart = testChart();
    const rules = new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    AlertCatalogue.of(chart).addRule(chart, { name: 'g' }, { ...RULE, alert: 'Untested', tests: undefined });
    AlertCatalogue.of(chart).addRule(chart, { name: 'g' }, { ...RULE, alert: 'OnlyFiring', tests: [{ ...RULE.tests![0], silentAt: undefined }] });
    AlertCatalogue.of(chart).addRule(chart, { name: 'g' }, RULE);
    expect(rules.untestedAlerts()).toEqual(['OnlyFiring', 'Untested']);
  });

  test('rejects a runbook base URL with a trailing slash', () => {
    expect(() => new AlertRules(testChart(), 'Rules', { ...PROPS, output: 'rule-files', runbookBaseUrl: 'https://runbooks.example.com/' }))
      .toThrow('[test/Rules] runbookBaseUrl: must be an https URL without a trailing slash, got "https://runbooks.example.com/"');
  });

  test('fails synth on a rule over a metric no declared target produces, one line per metric', () => {
    const chart = producingChart();
    new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    AlertCatalogue.of(chart).addRule(chart, { name: 'certs' }, {
      ...RULE, alert: 'CertificateExpiringSoon', expr: 'certmanager_certificate_expiration_timestamp_seconds - time() < 604800', tests: undefined,
    });
    expect(() => synthChart(chart)).toThrow('[test/Rules] alert CertificateExpiringSoon: metric certmanager_certificate_expiration_timestamp_seconds is produced by no scrape target in test');
  });

  test('accepts metrics produced by a declared target, a recording rule, Prometheus itself, or declared external with a reason', () => {
    const chart = producingChart();
    new AlertRules(chart, 'Rules', { ...PROPS, output: 'rule-files' });
    const catalogue = AlertCatalogue.of(chart);
    catalogue.addRecordingRule(chart, { name: 'rec' }, { record: 'job:backup_age:max', expr: 'max(time() - backup_last_success_timestamp_seconds)' });
    catalogue.addRule(chart, { name: 'rec' }, { ...RULE, alert: 'RecordedBackupOld', expr: 'job:backup_age:max > 3600 or absent(up{job="backup"})' });
    catalogue.addRule(chart, { name: 'rec' }, {
      ...RULE, alert: 'CertificateExpiringSoon', expr: 'certmanager_certificate_expiration_timestamp_seconds - time() < 604800',
      externalMetrics: { metrics: ['certmanager_'], reason: 'the cluster\'s kube-prometheus-stack scrapes cert-manager' },
    });
    expect(() => synthChart(chart)).not.toThrow();
  });

  test('rejects an external declaration without a reason', () => {
    const chart = producingChart();
    expect(() => AlertCatalogue.of(chart).addRule(chart, { name: 'x' }, { ...RULE, externalMetrics: { metrics: ['certmanager_'], reason: ' ' } }))
      .toThrow('[test] alert BackupTooOld externalMetrics: reason: required (say who produces the metrics), got " "');
  });

  test('extracts the metric names an expression selects, by name or __name__, skipping regular expressions', () => {
    expect(selectedMetricNames('sum(rate(a_total{x="1"}[5m])) / on() b or absent(up{job="j"}) + {__name__="c"} - {__name__=~"d.*"} + vector(1)'))
      .toEqual(['a_total', 'b', 'c', 'up']);
  });
});
