import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertGroupSpec } from '../alerting/alert-catalogue';
import { checkPromql } from '../alerting/promql';
import { ServiceLevelObjective, SloLabels } from '../alerting/service-level-objective';
import { checkPositiveDuration, formatPrometheusDuration } from '../core/durations';
import { assertAt, failAt, show } from '../core/errors';
import { Rules, checkInstance, checkProps, checkString, optional } from '../core/checks';

/** Props of {@link ReleaseHealth}. */
export interface ReleaseHealthProps {
  /** The availability SLO (a ratio SLI): its good and total counters define a failed request. */
  readonly availability: ServiceLevelObjective;

  /** The latency SLO (a histogram SLI): its histogram and objective define the percentile measured. */
  readonly latency: ServiceLevelObjective;

  /**
   * Series label that tells releases apart: the blue/green colour label (`environment`) or the pod template
   * hash of an Argo Rollouts canary (`rollouts_pod_template_hash`).
   */
  readonly releaseLabel: string;

  /**
   * Range of the `rate()` windows. Short, because a release is judged within minutes; at least four scrapes.
   *
   * @default Duration.minutes(2)
   */
  readonly window?: Duration;

  /**
   * Evaluation interval of the recording rules' group.
   *
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;
}

const isSlo = (v: unknown) => v instanceof ServiceLevelObjective;

/** Run-time checks of {@link ReleaseHealthProps}, applied before anything is created. */
const RELEASE_HEALTH_RULES: Rules = {
  availability: checkInstance(isSlo, 'a ServiceLevelObjective'),
  latency: checkInstance(isSlo, 'a ServiceLevelObjective'),
  releaseLabel: checkString,
  window: optional((v) => checkPositiveDuration(v, 'Duration.minutes(2)')),
  interval: optional((v) => checkPositiveDuration(v, 'Duration.seconds(15)')),
};

/** A recorded series of one release. */
export interface ReleaseMeasurement {
  /** What it measures, for messages (`error_ratio`, `latency_p95`). */
  readonly name: string;
  /** The recording rule's metric name. */
  readonly record: string;
  /** Selector of the series of one release (`{{value}}` stands for the label value). */
  readonly selectorTemplate: string;
}

/** Placeholder for the release label's value in {@link ReleaseMeasurement.selectorTemplate}. */
export const RELEASE_VALUE_PLACEHOLDER = '{{value}}';

/**
 * Recording rules that measure one release of an app on its own (one colour, or the canary's pods), from
 * the same SLO objects the burn-rate alerts are built from, so "healthy" has one definition: the error
 * ratio of the availability SLI and the latency SLO's percentile (95 % within 500 ms gives the p95), both
 * split by the release label.
 *
 * A release without traffic records nothing (rather than 0/0 = NaN): readers treat a missing series as
 * "no evidence yet", never as healthy or failing.
 */
export class ReleaseHealth extends Construct {
  /** Error ratio (failed share of requests, 0–1) by release. */
  public readonly errorRatio: ReleaseMeasurement;

  /** Response time percentile, in seconds, by release. */
  public readonly latencyPercentile: ReleaseMeasurement;

  /** The percentile measured, as a fraction (the latency SLO's objective, `0.95`). */
  public readonly quantile: string;

  /** The label that tells releases apart. */
  public readonly releaseLabel: string;

  /** The recording rules' group. */
  public readonly group: AlertGroupSpec;

  constructor(scope: Construct, id: string, props: ReleaseHealthProps) {
    super(scope, id);
    checkProps(this, props, RELEASE_HEALTH_RULES);
    const window = formatPrometheusDuration(props.window ?? Duration.minutes(2));
    const interval = props.interval ?? Duration.seconds(15);
    assertAt(this, 'releaseLabel', /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(props.releaseLabel) && !props.releaseLabel.startsWith('__')
      ? undefined : `must be a Prometheus label name, got ${show(props.releaseLabel)}`);
    if (props.availability.indicator.histogram !== undefined) {
      failAt(this, 'availability', `must be a ratio SLO (good and total counters), got the latency SLO ${show(props.availability.sloName)}`);
    }
    const histogram = props.latency.indicator.histogram;
    if (histogram === undefined) {
      failAt(this, 'latency', `must be a latency SLO (a histogram), got the ratio SLO ${show(props.latency.sloName)}`);
    }
    this.releaseLabel = props.releaseLabel;
    this.quantile = props.latency.objective;
    const label = props.releaseLabel;
    this.group = { name: `release-health-${label.replace(/_/g, '-')}`, interval };
    const catalogue = AlertCatalogue.of(this);
    // Only series that carry the release label: the others (pods of another kind of release) are no release here.
    const good = withMatcher(props.availability.indicator.good, `${label}!=""`);
    const total = withMatcher(props.availability.indicator.total, `${label}!=""`);
    const byRelease = `sum by (${label})`;

    // Level-prefixed names (Prometheus' level:metric:operations): groups split by different labels never
    // record the same series.
    const errorRecord = `${label}:release_error_ratio:rate${window}`;
    catalogue.addRecordingRule(this, this.group, {
      record: errorRecord,
      // `or 0 * total`: a release whose good counter never appeared failed every request it served.
      expr: `1 - (\n  (${byRelease} (rate(${good}[${window}])) or 0 * ${byRelease} (rate(${total}[${window}])))\n  /\n  (${byRelease} (rate(${total}[${window}])) > 0)\n)`,
      labels: { [SloLabels.SLO]: props.availability.sloName },
    });
    this.errorRatio = { name: 'error_ratio', record: errorRecord, selectorTemplate: selector(errorRecord, props.availability.sloName, label) };

    const percentile = `p${Math.round(Number(this.quantile) * 100)}`;
    const latencyRecord = `${label}:release_latency_${percentile}_seconds:rate${window}`;
    const series = (suffix: string) => `${histogram.name}_${suffix}{${histogram.matchers},${label}!=""}`;
    catalogue.addRecordingRule(this, this.group, {
      record: latencyRecord,
      // `and ... > 0`: without requests histogram_quantile returns NaN, which compares false with anything.
      expr: `histogram_quantile(${this.quantile}, sum by (le, ${label}) (rate(${series('bucket')}[${window}])))\n`
        + `and on (${label})\n(${byRelease} (rate(${series('count')}[${window}])) > 0)`,
      labels: { [SloLabels.SLO]: props.latency.sloName },
    });
    this.latencyPercentile = { name: `latency_${percentile}`, record: latencyRecord, selectorTemplate: selector(latencyRecord, props.latency.sloName, label) };
  }

  /** Both measurements. */
  public measurements(): ReleaseMeasurement[] {
    return [this.errorRatio, this.latencyPercentile];
  }

  /** Metric names this construct records. */
  public recordedNames(): string[] {
    return this.measurements().map((m) => m.record);
  }

  /** The selector of one measurement for one release (`environment:release_error_ratio:rate2m{slo="availability",environment="green"}`). */
  public query(measurement: ReleaseMeasurement, value: string): string {
    const query = measurement.selectorTemplate.split(RELEASE_VALUE_PLACEHOLDER).join(value);
    const problem = checkPromql(query);
    if (problem !== undefined) {
      failAt(this, measurement.name, problem);
    }
    return query;
  }
}

/** `metric{a="b"}` + `c!=""` -> `metric{a="b",c!=""}`. */
function withMatcher(selectorText: string, matcher: string): string {
  const trimmed = selectorText.trim();
  if (trimmed.endsWith('}')) {
    const open = trimmed.lastIndexOf('{');
    const inner = trimmed.slice(open + 1, -1).trim();
    return `${trimmed.slice(0, open)}{${inner.length === 0 ? '' : `${inner},`}${matcher}}`;
  }
  return `${trimmed}{${matcher}}`;
}

function selector(record: string, slo: string, label: string): string {
  return `${record}{${SloLabels.SLO}="${slo}",${label}="${RELEASE_VALUE_PLACEHOLDER}"}`;
}
