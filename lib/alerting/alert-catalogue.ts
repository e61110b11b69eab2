import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkArrayOf, checkNumber, checkOneOf, checkPrometheusLabelName, checkRecordOf, checkShape, checkString, findProblem, optional, Rules } from '../core/checks';
import { checkPositiveDuration, formatPrometheusDuration, nonNegativeDuration, positiveDuration } from '../core/durations';
import { show } from '../core/errors';
import { checkPromql } from './promql';
import type { ExternalMetrics } from './metric-producers';
import { ValidationError } from '../core/validation-error';
import { ownedSingleton } from '../core/registry-owner';

/** How urgently an alert needs a human: `critical` pages, `warning` goes to chat, `info` to e-mail. */
export type Severity = 'critical' | 'warning' | 'info';

/** Incident priority carried as a label, P0 most urgent. */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

/** Every severity, most urgent first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** Every priority, most urgent first. */
export const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2', 'P3'];

/**
 * One Prometheus alerting rule, as constructs declare it.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
export interface AlertRuleSpec {
  /** Alert name, CamelCase; an operational contract (pagers and runbooks refer to it). */
  readonly alert: string;

  /** PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;

  /**
   * How long the expression must hold before the alert fires (`Duration.minutes(5)`; written as a
   * Prometheus duration, `5m`).
   *
   * @default - fires on the first evaluation that returns a series
   */
  readonly for?: Duration;

  /** Severity label; decides routing. */
  readonly severity: Severity;

  /** Priority label. */
  readonly priority: Priority;

  /** Team label; who owns the response. */
  readonly team: string;

  /** One-line summary annotation (may use `{{ $labels.x }}` and `{{ $value }}`). */
  readonly summary: string;

  /** Longer description annotation. */
  readonly description: string;

  /** Runbook page, relative to the configured runbook base URL (`backup-too-old`). */
  readonly runbook: string;

  /**
   * Extra labels.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Metrics of the expression that no scrape target in this tree produces, with the reason they exist
   * anyway. Synth checks every other metric the expression selects against the declared producers.
   *
   * @default - none: every metric must come from a declared scrape target or recording rule
   */
  readonly externalMetrics?: ExternalMetrics;

  /**
   * Unit tests run by `promtool test rules` (`npm run verify`). Every alert the platform ships needs at
   * least one case in which it fires and one in which it stays silent; verify fails otherwise.
   *
   * @default - none (verify reports the alert as untested)
   */
  readonly tests?: AlertTestCase[];
}

/** One input series of a promtool unit test. */
export interface AlertTestSeries {
  /** The series, with every label (`http_requests_total{namespace="shop",status="500"}`). */
  readonly series: string;

  /**
   * Its samples in promtool's expanding notation, one per `interval` (`0+60x30`, `1 1 0 _ 0x10`).
   *
   * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/#series
   */
  readonly values: string;
}

/** Where an alert must be firing in a unit test, with the labels its expression outputs. */
export interface AlertTestFiring {
  /** Evaluation time from the start of the series (`Duration.minutes(10)`; written as a Prometheus duration, `10m`). */
  readonly at: Duration;

  /**
   * Labels of the series the expression returns (the rule's own labels are added automatically).
   *
   * @default - no labels (an aggregated expression)
   */
  readonly labels?: Record<string, string>;
}

/**
 * A promtool unit test of one alert: input series, and the times at which the alert must fire (with its
 * exact labels) or must not.
 */
export interface AlertTestCase {
  /** What the case shows (`fires after 2m of 10 % errors`). */
  readonly name: string;

  /** Input series. */
  readonly series: AlertTestSeries[];

  /**
   * Interval between the input samples (written as a Prometheus duration, `1m`).
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Times at which exactly these alerts are firing.
   *
   * @default - none
   */
  readonly firing?: AlertTestFiring[];

  /**
   * Times from the start of the series at which the alert is not firing (pending or inactive), such as
   * `[Duration.minutes(5)]` (written as Prometheus durations, `5m`).
   *
   * @default - none
   */
  readonly silentAt?: Duration[];
}

/**
 * A promtool unit test of a group's recording rules: input series, and PromQL expressions that must return
 * exactly the given samples at given times.
 */
export interface RecordingTestCase {
  /** What the case shows (`recorded 1d ratio matches the raw one`). */
  readonly name: string;

  /** Input series. */
  readonly series: AlertTestSeries[];

  /**
   * Interval between the input samples (written as a Prometheus duration, `1m`).
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Expressions evaluated at `at` (a time from the start of the series, `Duration.hours(19)`; written as a
   * Prometheus duration, `19h`) and the samples each must return.
   */
  readonly expectations: Array<{
    readonly at: Duration;
    readonly expr: string;
    readonly samples: Array<{ readonly labels?: Record<string, string>; readonly value: number }>;
  }>;
}

/**
 * One Prometheus recording rule: precomputes an expression under a new series name.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/
 */
export interface RecordingRuleSpec {
  /** Name of the recorded series, `level:metric:operations` (`slo:error_ratio:rate5m`). */
  readonly record: string;

  /** PromQL expression. */
  readonly expr: string;

  /**
   * Labels added to the recorded series.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Metrics of the expression that no scrape target in this tree produces, with the reason they exist
   * anyway. Synth checks every other metric the expression selects against the declared producers.
   *
   * @default - none: every metric must come from a declared scrape target or recording rule
   */
  readonly externalMetrics?: ExternalMetrics;
}

/** A named rule group, evaluated together at one interval. */
export interface AlertGroupSpec {
  /** Group name (`application_alerts`). */
  readonly name: string;

  /**
   * Evaluation interval (`Duration.seconds(30)`; written as a Prometheus duration, `30s`).
   *
   * @default - the Prometheus global evaluation interval
   */
  readonly interval?: Duration;
}

const CATALOGUE_ID = 'AlertCatalogue';

const checkPromLabels = checkRecordOf(checkPrometheusLabelName, checkString);

/** Input series of a promtool test: the values stay promtool's expanding notation (`0+60x30`), not durations. */
const checkTestSeries = checkArrayOf(checkShape({ series: checkString, values: checkString }));

const GROUP_RULES = { name: checkString, interval: optional((v) => checkPositiveDuration(v, 'Duration.seconds(30)')) };

/** Types and vocabularies of an alert rule; the syntax checks (and `for`, reported with the alert's name) follow in `addRule`. */
const ALERT_RULES = {
  alert: checkString,
  expr: checkString,
  severity: (v: unknown) => checkOneOf(v, SEVERITIES),
  priority: (v: unknown) => checkOneOf(v, PRIORITIES),
  team: checkString,
  summary: checkString,
  description: checkString,
  runbook: checkString,
  labels: optional(checkPromLabels),
  tests: optional(checkArrayOf(checkShape({
    name: checkString,
    series: checkTestSeries,
    interval: optional(positiveDuration('Duration.minutes(1)')),
    firing: optional(checkArrayOf(checkShape({ at: nonNegativeDuration('Duration.minutes(10)'), labels: optional(checkPromLabels) }))),
    silentAt: optional(checkArrayOf(nonNegativeDuration('Duration.minutes(5)'))),
  }))),
};

/** Types of a recording-rule test; the expressions are parsed in `addRecordingTest`. */
const RECORDING_TEST_RULES = {
  name: checkString,
  series: checkTestSeries,
  interval: optional(positiveDuration('Duration.minutes(1)')),
  expectations: checkArrayOf(checkShape({
    at: nonNegativeDuration('Duration.hours(19)'),
    expr: checkString,
    samples: checkArrayOf(checkShape({ labels: optional(checkPromLabels), value: (v: unknown) => checkNumber(v) })),
  })),
};

const RECORDING_RULES = { record: checkString, expr: checkString, labels: optional(checkPromLabels) };

/** Checks an argument object of `addRule` / `addRecordingRule` against its rules. */
function checkArgument(owner: IConstruct, name: string, value: unknown, rules: Rules): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(owner.node.path, name, `must be an object, got ${show(value)}`);
  }
  const problem = findProblem(value, rules);
  if (problem !== undefined) {
    throw new ValidationError(owner.node.path, `${name}.${problem.field}`, problem.problem);
  }
}

/**
 * Every alert the construct tree declares, grouped: the single source from which rule files and
 * PrometheusRule objects are rendered. Constructs register their own alerts (a backup job its
 * `BackupTooOld`), so the catalogue grows with the platform. One catalogue exists per owner (RegistryOwner): each team's chart has its own.
 */
export class AlertCatalogue extends Construct {
  /** The catalogue of `scope`'s owner (RegistryOwner.of: a declared platform root, else the outermost Chart), created on first use. */
  public static of(scope: IConstruct): AlertCatalogue {
    return ownedSingleton(scope, CATALOGUE_ID, (c): c is AlertCatalogue => c instanceof AlertCatalogue, (owner, id) => new AlertCatalogue(owner, id));
  }

  private readonly groupList: Array<{
    spec: AlertGroupSpec;
    rules: Array<{ rule: AlertRuleSpec; owner: string }>;
    records: Array<{ rule: RecordingRuleSpec; owner: string }>;
    recordingTests: RecordingTestCase[];
  }> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Adds a rule to a group (created on first use), on behalf of `owner`.
   *
   * @throws ValidationError when an alert of that name already exists in the group, the group is
   * redeclared with another interval, or the rule is malformed (name, `for`, PromQL that does not parse)
   */
  public addRule(owner: IConstruct, group: AlertGroupSpec, rule: AlertRuleSpec): AlertRuleSpec {
    checkArgument(owner, 'group', group, GROUP_RULES);
    checkArgument(owner, 'rule', rule, ALERT_RULES);
    const where = `alert ${rule.alert}`;
    const check = (field: string, problem: string | undefined) => {
      if (problem !== undefined) {
        throw new ValidationError(owner.node.path, `${where} ${field}`, problem);
      }
    };
    check('alert', /^[A-Z][A-Za-z0-9]*$/.test(rule.alert) ? undefined : `must be CamelCase, got ${JSON.stringify(rule.alert)}`);
    check('expr', checkPromql(rule.expr));
    check('externalMetrics', checkExternal(rule.externalMetrics));
    if (rule.for !== undefined) {
      check('for', checkPositiveDuration(rule.for, 'Duration.minutes(5)'));
    }
    for (const field of ['team', 'summary', 'description', 'runbook'] as const) {
      check(field, typeof rule[field] === 'string' && rule[field].trim().length > 0 ? undefined : `required, got ${JSON.stringify(rule[field])}`);
    }
    const entry = this.group(owner, group);
    const clash = entry.rules.find((r) => r.rule.alert === rule.alert);
    if (clash !== undefined) {
      throw new ValidationError(owner.node.path, where, `already declared in group ${group.name} by ${clash.owner}`);
    }
    entry.rules.push({ rule, owner: owner.node.path });
    return rule;
  }

  /**
   * Adds a recording rule to a group (created on first use), on behalf of `owner`. A group's recording
   * rules are evaluated before its alerts.
   *
   * @throws ValidationError when the group already records that series with the same labels, or the
   * expression does not parse
   */
  public addRecordingRule(owner: IConstruct, group: AlertGroupSpec, rule: RecordingRuleSpec): RecordingRuleSpec {
    checkArgument(owner, 'group', group, GROUP_RULES);
    checkArgument(owner, 'rule', rule, RECORDING_RULES);
    const where = `record ${rule.record}`;
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(rule.record)) {
      throw new ValidationError(owner.node.path, where, `must be a metric name (level:metric:operations), got ${JSON.stringify(rule.record)}`);
    }
    const problem = checkPromql(rule.expr);
    if (problem !== undefined) {
      throw new ValidationError(owner.node.path, `${where} expr`, problem);
    }
    const external = checkExternal(rule.externalMetrics);
    if (external !== undefined) {
      throw new ValidationError(owner.node.path, `${where} externalMetrics`, external);
    }
    const entry = this.group(owner, group);
    const key = (r: RecordingRuleSpec) => `${r.record}${JSON.stringify(Object.entries(r.labels ?? {}).sort())}`;
    const clash = entry.records.find((r) => key(r.rule) === key(rule));
    if (clash !== undefined) {
      throw new ValidationError(owner.node.path, where, `already recorded with the same labels in group ${group.name} by ${clash.owner}`);
    }
    entry.records.push({ rule, owner: owner.node.path });
    return rule;
  }

  /**
   * Adds a unit test of a group's recording rules (created on first use), run by `promtool test rules`.
   *
   * @throws ValidationError when a field has the wrong type (a time that is not a `Duration`, for one) or an
   * expectation's expression does not parse
   */
  public addRecordingTest(owner: IConstruct, group: AlertGroupSpec, test: RecordingTestCase): RecordingTestCase {
    checkArgument(owner, 'group', group, GROUP_RULES);
    checkArgument(owner, 'test', test, RECORDING_TEST_RULES);
    for (const [i, expectation] of test.expectations.entries()) {
      const problem = checkPromql(expectation.expr);
      if (problem !== undefined) {
        throw new ValidationError(owner.node.path, `recording test ${JSON.stringify(test.name)} expectations[${i}].expr`, problem);
      }
    }
    this.group(owner, group).recordingTests.push(test);
    return test;
  }

  /** Groups in declaration order, each with its alerts, recording rules and their tests in declaration order. */
  public groups(): Array<{ name: string; interval?: Duration; rules: AlertRuleSpec[]; recordingRules: RecordingRuleSpec[]; recordingTests: RecordingTestCase[] }> {
    return this.groupList.map((g) => ({
      name: g.spec.name,
      interval: g.spec.interval,
      rules: g.rules.map((r) => r.rule),
      recordingRules: g.records.map((r) => r.rule),
      recordingTests: [...g.recordingTests],
    }));
  }

  private group(owner: IConstruct, group: AlertGroupSpec) {
    let entry = this.groupList.find((g) => g.spec.name === group.name);
    if (entry === undefined) {
      if (!/^[-._a-zA-Z0-9]+$/.test(group.name)) {
        // The name is also the rule file's key in the prometheus-rules ConfigMap.
        throw new ValidationError(owner.node.path, `alert group ${group.name}`, 'name must consist of letters, digits, \'-\', \'_\' and \'.\' (it names a ConfigMap key)');
      }

      entry = { spec: group, rules: [], records: [], recordingTests: [] };
      this.groupList.push(entry);
    } else if (group.interval !== undefined && entry.spec.interval?.toMilliseconds() !== group.interval.toMilliseconds()) {
      const existing = entry.spec.interval === undefined ? 'the global interval' : formatPrometheusDuration(entry.spec.interval);
      throw new ValidationError(owner.node.path, `alert group ${group.name}`,
        `declared with interval ${formatPrometheusDuration(group.interval)}, but it already has ${existing}`);
    }
    return entry;
  }
}

function checkExternal(external: ExternalMetrics | undefined): string | undefined {
  if (external === undefined) {
    return undefined;
  }
  if (!Array.isArray(external.metrics) || external.metrics.length === 0) {
    return `metrics: must list the metric names or prefixes produced elsewhere, got ${JSON.stringify(external.metrics)}`;
  }
  return typeof external.reason === 'string' && external.reason.trim().length > 0 ? undefined
    : `reason: required (say who produces the metrics), got ${JSON.stringify(external.reason)}`;
}
