import { Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { AlertCatalogue, AlertRuleSpec, RecordingRuleSpec } from './alert-catalogue';
import { checkDnsLabel, checkLabelName, checkLabels, checkProps, checkString, oneOf, optional, Rules } from '../core/checks';
import { assertAt } from '../core/errors';
import { formatPrometheusDuration } from '../core/durations';
import { toYamlDocument } from '../render/yaml';
import { recommendedLabels } from '../core/labels';
import { MonitoringNames } from '../observability/monitoring-names';
import { MetricProducers } from './metric-producers';
import { selectedMetricNames } from './promql';
import { thresholdCases } from './test-series';

/**
 * How the rules reach Prometheus: `rule-files` renders ConfigMap `prometheus-rules` (one rule file per
 * group) for a Prometheus this repository deploys; `prometheus-rule` renders a PrometheusRule for the
 * Prometheus Operator (kube-prometheus-stack).
 */
export type AlertRulesOutput = 'rule-files' | 'prometheus-rule';

/** Name of the alert that always fires, proving the alerting pipeline works end to end. */
export const WATCHDOG_ALERT = 'Watchdog';

/** Name of the alert on rules Prometheus fails to evaluate (such a rule can never fire). */
export const RULE_FAILURES_ALERT = 'PrometheusRuleFailures';

/**
 * Alerts that cannot have a silent unit test: they fire by design. Verify requires a silent case for
 * every other alert.
 */
export const ALWAYS_FIRING_ALERTS: readonly string[] = [WATCHDOG_ALERT];

/** Interval between the input samples of a promtool test that does not set its own. */
const DEFAULT_TEST_INTERVAL = Duration.minutes(1);

/** Props of {@link AlertRules}. */
export interface AlertRulesProps {
  /** Which object carries the rules. */
  readonly output: AlertRulesOutput;

  /** Base URL of the runbooks; an alert's `runbook_url` is `<base>/<runbook>`. */
  readonly runbookBaseUrl: string;

  /** System name for `app.kubernetes.io/part-of`. */
  readonly partOf: string;

  /**
   * Name of the PrometheusRule (`prometheus-rule` output).
   *
   * @default - `<partOf>-alerts`
   */
  readonly prometheusRuleName?: string;

  /**
   * Name of the ConfigMap holding the rule files (`rule-files` output); the Prometheus server mounts it.
   *
   * @default 'prometheus-rules'
   */
  readonly configMapName?: string;

  /**
   * Labels the Prometheus Operator selects rules by (`release: kube-prometheus-stack`).
   *
   * @default - none: the operator must select every PrometheusRule
   */
  readonly ruleSelectorLabels?: Record<string, string>;

  /**
   * Check at synth that every metric each rule selects is produced by a scrape target declared in this
   * tree (`MetricProducers`), by a recording rule, or is declared external by the rule. Turn it off only
   * where the Prometheus that loads these rules is not described in the tree.
   *
   * @default true
   */
  readonly metricProvenance?: boolean;
}

/** One rendered rule group, ready for a rule file or a PrometheusRule. */
export interface RenderedRuleGroup {
  /** Group name. */
  readonly name: string;

  /**
   * Evaluation interval.
   *
   * @default - the Prometheus global evaluation interval
   */
  readonly interval?: string;

  /** Rules as Prometheus reads them. */
  readonly rules: Array<Record<string, unknown>>;
}

/** A promtool unit-test file for one rule group. */
export interface PromtoolTestFile {
  /** File name (`application.test.yaml`), next to the rule file it loads. */
  readonly fileName: string;

  /** The rule file it tests (`application.yaml`). */
  readonly ruleFile: string;

  /** The test file's content. */
  readonly content: Record<string, unknown>;
}

/** Run-time checks of {@link AlertRulesProps}, applied before anything is created. */
const ALERT_RULES_RULES: Rules = {
  output: oneOf(['rule-files', 'prometheus-rule']),
  runbookBaseUrl: checkString,
  partOf: checkLabelName,
  prometheusRuleName: optional(checkString),
  configMapName: optional(checkString),
  ruleSelectorLabels: optional(checkLabels),
};

/**
 * Renders every rule of the {@link AlertCatalogue} — the platform's alerts, SLO rules, and whatever other
 * constructs register — as one Prometheus rule file per group in ConfigMap `prometheus-rules`, or as the
 * PrometheusRule `<partOf>-alerts`. It also registers the `Watchdog` alert.
 *
 * It renders the catalogue of its own registry owner (RegistryOwner: a declared platform root, else its
 * outermost Chart), so another team's AlertRules in its own chart renders only that team's rules.
 * Rendering is lazy: rules registered after this construct was created are included.
 */
export class AlertRules extends Construct {
  /** The catalogue this renders. */
  public readonly catalogue: AlertCatalogue;

  /** The always-firing alert, routed to the dead-man's switch. */
  public readonly watchdog: AlertRuleSpec;

  /** The alert on rules Prometheus fails to evaluate. */
  public readonly ruleFailures: AlertRuleSpec;

  /** ConfigMap `prometheus-rules` (`rule-files` output). */
  public readonly configMap?: kplus.k8s.KubeConfigMap;

  /** PrometheusRule (`prometheus-rule` output). */
  public readonly prometheusRule?: PrometheusRule;

  private readonly runbookBaseUrl: string;

  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    checkProps(this, props, ALERT_RULES_RULES);
    const prometheusRuleName = props.prometheusRuleName ?? `${props.partOf}-alerts`;
    const configMapName = props.configMapName ?? MonitoringNames.RULES_CONFIG_MAP;
    assertAt(this, 'prometheusRuleName', checkDnsLabel(prometheusRuleName));
    assertAt(this, 'configMapName', checkDnsLabel(configMapName));
    assertAt(this, 'runbookBaseUrl', /^https:\/\/\S+[^/]$/.test(props.runbookBaseUrl)
      ? undefined : `must be an https URL without a trailing slash, got ${JSON.stringify(props.runbookBaseUrl)}`);
    this.runbookBaseUrl = props.runbookBaseUrl;
    this.catalogue = AlertCatalogue.of(this);

    this.watchdog = this.catalogue.addRule(this, { name: 'alerting-pipeline', interval: Duration.minutes(1) }, {
      alert: WATCHDOG_ALERT,
      // Always true: if the dead-man's switch stops hearing from Alertmanager, rule evaluation,
      // Alertmanager or its notifications are broken, and the switch's own service pages.
      expr: 'vector(1)',
      severity: 'info',
      priority: 'P3',
      team: 'platform',
      summary: 'Alerting pipeline heartbeat',
      description: 'Always firing. Routed to the dead-man\'s switch, which alerts when this heartbeat stops arriving.',
      runbook: 'watchdog',
      tests: [{
        name: 'fires from the first evaluation on, without input',
        series: [],
        firing: [{ at: Duration.minutes(0) }, { at: Duration.hours(1) }],
      }],
    });

    this.ruleFailures = this.catalogue.addRule(this, { name: 'alerting-pipeline', interval: Duration.minutes(1) }, {
      alert: RULE_FAILURES_ALERT,
      // kube-prometheus' rule: a rule that errors at evaluation (many-to-many matching, a label clash after
      // a change of exporter) never fires and says so only in this counter and the log.
      expr: 'increase(prometheus_rule_evaluation_failures_total[5m]) > 0',
      for: Duration.minutes(15),
      severity: 'warning',
      priority: 'P1',
      team: 'platform',
      summary: 'Prometheus fails to evaluate rules of group {{ $labels.rule_group }}',
      description: 'Prometheus {{ $labels.instance }} failed to evaluate {{ $value | humanize }} rules of {{ $labels.rule_group }} in the last 5 minutes: alerts of that group cannot fire.',
      runbook: 'prometheus-rule-failures',
      tests: thresholdCases({
        what: 'a rule failing every evaluation', for: Duration.minutes(15), onsetSeconds: 300,
        bad: [{ series: 'prometheus_rule_evaluation_failures_total{instance="localhost:9090",job="prometheus",rule_group="/etc/prometheus/rules/application.yaml;application"}', values: '0+2x25' }],
        healthy: [{ series: 'prometheus_rule_evaluation_failures_total{instance="localhost:9090",job="prometheus",rule_group="/etc/prometheus/rules/application.yaml;application"}', values: '0x25' }],
        labels: { instance: 'localhost:9090', job: 'prometheus', rule_group: '/etc/prometheus/rules/application.yaml;application' },
      }),
    });

    if (props.metricProvenance ?? true) {
      this.node.addValidation({ validate: () => this.provenanceProblems() });
    }

    const labels = recommendedLabels({ name: 'prometheus-rules', instance: 'prometheus-rules', component: 'alerting', partOf: props.partOf });
    if (props.output === 'rule-files') {
      this.configMap = new kplus.k8s.KubeConfigMap(this, 'ConfigMap', {
        metadata: { name: configMapName, labels },
        data: Lazy.any({ produce: () => this.ruleFileData() }),
      });
    } else {
      this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
        metadata: { name: prometheusRuleName, labels: { ...labels, ...(props.ruleSelectorLabels ?? {}) } },
        spec: { groups: Lazy.any({ produce: () => this.prometheusRuleGroups() }) },
      });
    }
  }

  /** Every group as it is rendered (labels and annotations complete), in declaration order. */
  public renderedGroups(): RenderedRuleGroup[] {
    return this.catalogue.groups().map((group) => ({
      name: group.name,
      ...(group.interval !== undefined ? { interval: formatPrometheusDuration(group.interval) } : {}),
      rules: [
        ...group.recordingRules.map(renderRecordingRule),
        ...group.rules.map((rule) => this.renderAlert(rule)),
      ],
    }));
  }

  /** Rule files by file name (`<group>.yaml`), each a complete Prometheus rule file. */
  public ruleFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    for (const group of this.renderedGroups()) {
      files[`${group.name}.yaml`] = toYamlDocument({ groups: [group] });
    }
    return files;
  }

  /**
   * promtool unit-test files, one per group that has tests, each loading only its own group's rule file.
   *
   * A firing expectation checks the `ALERTS` series, so it pins every label (routing depends on them)
   * without restating annotation templates; a silent expectation is an `alert_rule_test` with no alerts.
   */
  public unitTests(): PromtoolTestFile[] {
    const files: PromtoolTestFile[] = [];
    for (const group of this.catalogue.groups()) {
      const tests: Array<Record<string, unknown>> = group.rules.flatMap((rule) => (rule.tests ?? []).map((testCase) => ({
        name: `${rule.alert}: ${testCase.name}`,
        interval: formatPrometheusDuration(testCase.interval ?? DEFAULT_TEST_INTERVAL),
        input_series: testCase.series.map((s) => ({ series: s.series, values: s.values })),
        ...(testCase.firing !== undefined && testCase.firing.length > 0 ? {
          promql_expr_test: [...new Set(testCase.firing.map((f) => formatPrometheusDuration(f.at)))].map((at) => ({
            expr: `ALERTS{alertname="${rule.alert}",alertstate="firing"}`,
            eval_time: at,
            exp_samples: testCase.firing!.filter((f) => formatPrometheusDuration(f.at) === at).map((f) => ({
              labels: seriesText('ALERTS', { ...(f.labels ?? {}), ...ruleLabels(rule), alertname: rule.alert, alertstate: 'firing' }),
              value: 1,
            })),
          })),
        } : {}),
        ...(testCase.silentAt !== undefined && testCase.silentAt.length > 0 ? {
          alert_rule_test: testCase.silentAt.map((at) => ({ eval_time: formatPrometheusDuration(at), alertname: rule.alert, exp_alerts: [] })),
        } : {}),
      })));
      tests.push(...group.recordingTests.map((testCase) => ({
        name: `${group.name} recording rules: ${testCase.name}`,
        interval: formatPrometheusDuration(testCase.interval ?? DEFAULT_TEST_INTERVAL),
        input_series: testCase.series.map((s) => ({ series: s.series, values: s.values })),
        promql_expr_test: testCase.expectations.map((e) => ({
          expr: e.expr,
          eval_time: formatPrometheusDuration(e.at),
          exp_samples: e.samples.map((sample) => ({ labels: seriesText('', sample.labels ?? {}), value: sample.value })),
        })),
      })));
      if (tests.length > 0) {
        files.push({
          fileName: `${group.name}.test.yaml`,
          ruleFile: `${group.name}.yaml`,
          content: { rule_files: [`${group.name}.yaml`], evaluation_interval: '1m', tests },
        });
      }
    }
    return files;
  }

  /** Names of the alerts lacking a firing or (where possible) a silent unit test, sorted. */
  public untestedAlerts(): string[] {
    return this.catalogue.groups().flatMap((g) => g.rules).filter((rule) => {
      const cases = rule.tests ?? [];
      const fires = cases.some((c) => (c.firing ?? []).length > 0);
      const silent = cases.some((c) => (c.silentAt ?? []).length > 0) || ALWAYS_FIRING_ALERTS.includes(rule.alert);
      return !fires || !silent;
    }).map((rule) => rule.alert).sort();
  }

  /**
   * One line per metric a rule selects that nothing produces: no declared scrape target, no recording rule,
   * not declared external by the rule. Such a rule cannot fire (or records nothing).
   */
  private provenanceProblems(): string[] {
    const producers = MetricProducers.of(this);
    const groups = this.catalogue.groups();
    const recorded = new Set(groups.flatMap((g) => g.recordingRules.map((r) => r.record)));
    const scope = this.node.path.split('/')[0];
    const problems: string[] = [];
    const check = (what: string, expr: string, external: readonly string[]) => {
      for (const metric of selectedMetricNames(expr)) {
        if (!recorded.has(metric) && producers.producerOf(metric) === undefined && !external.some((m) => metric.startsWith(m))) {
          problems.push(`${what}: metric ${metric} is produced by no scrape target in ${scope}`);
        }
      }
    };
    for (const group of groups) {
      for (const rule of group.recordingRules) {
        check(`record ${rule.record}`, rule.expr, rule.externalMetrics?.metrics ?? []);
      }
      for (const rule of group.rules) {
        check(`alert ${rule.alert}`, rule.expr, rule.externalMetrics?.metrics ?? []);
      }
    }
    return problems;
  }

  private renderAlert(rule: AlertRuleSpec): Record<string, unknown> {
    return {
      alert: rule.alert,
      expr: rule.expr.trim(),
      ...(rule.for !== undefined ? { for: formatPrometheusDuration(rule.for) } : {}),
      labels: ruleLabels(rule),
      annotations: {
        description: rule.description,
        runbook_url: `${this.runbookBaseUrl}/${rule.runbook}`,
        summary: rule.summary,
      },
    };
  }

  private ruleFileData(): Record<string, string> {
    const files = this.ruleFiles();
    return Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
  }

  /** Groups typed for the generated PrometheusRule mapper, which reads `expr` as an int-or-string. */
  private prometheusRuleGroups(): PrometheusRuleSpecGroups[] {
    return this.renderedGroups().map((group) => ({
      name: group.name,
      interval: group.interval,
      rules: group.rules.map((rule) => ({ ...rule, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr as string) })),
    }));
  }
}

/** The labels a rule adds to its alerts, keys sorted. */
export function ruleLabels(rule: AlertRuleSpec): Record<string, string> {
  const labels: Record<string, string> = { ...(rule.labels ?? {}), priority: rule.priority, severity: rule.severity, team: rule.team };
  return Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function renderRecordingRule(rule: RecordingRuleSpec): Record<string, unknown> {
  return {
    record: rule.record,
    expr: rule.expr.trim(),
    ...(rule.labels !== undefined ? { labels: rule.labels } : {}),
  };
}

/** `name{a="1",b="2"}` with label values escaped as PromQL strings. */
function seriesText(name: string, labels: Record<string, string>): string {
  const body = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',');
  return `${name}{${body}}`;
}
