/**
 * The AnalysisTemplate of a canary: one Prometheus metric per measurement, each judged against its highest
 * passing value.
 */
import { Construct } from 'constructs';
import { AnalysisTemplate, AnalysisTemplateSpecMetricsCount, AnalysisTemplateSpecMetricsFailureLimit } from '../../../imports/argoproj.io';

/** One measurement, already checked: a metric name, its query and the highest value that passes. */
export interface AnalysisMeasurement {
  readonly name: string;
  readonly query: string;
  readonly max: number;
}

/** What {@link addAnalysisTemplate} renders. */
export interface AnalysisTemplateSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Argument names the queries refer to as `{{args.<name>}}`. */
  readonly args: readonly string[];
  readonly prometheusUrl: string;
  readonly intervalSeconds: number;
  readonly count: number;
  readonly failureLimit: number;
  readonly measurements: readonly AnalysisMeasurement[];
}

/**
 * Success and failure conditions of one measurement (expr language of Argo Rollouts; `result` is the vector
 * the query returned, as a list of numbers).
 *
 * A query without a sample (no traffic on the new pods yet: the release-health rules record nothing for a
 * release without requests) and a NaN (a comparison with NaN is false either way) meet neither condition: the
 * measurement is Inconclusive, and an inconclusive analysis pauses the rollout for a person to promote or abort.
 * Neither promotes a release that nothing measured, and neither rolls back a release for lack of traffic. A
 * Prometheus that cannot be reached is an Error; past the controller's `consecutiveErrorLimit` (4) the
 * analysis errors and the rollout aborts.
 */
export function analysisConditions(max: number): { readonly successCondition: string; readonly failureCondition: string } {
  return {
    successCondition: `len(result) > 0 && result[0] <= ${max}`,
    failureCondition: `len(result) > 0 && result[0] > ${max}`,
  };
}

/** Adds the AnalysisTemplate to `scope` as `AnalysisTemplate`. */
export function addAnalysisTemplate(scope: Construct, spec: AnalysisTemplateSpec): AnalysisTemplate {
  return new AnalysisTemplate(scope, 'AnalysisTemplate', {
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      args: spec.args.map((name) => ({ name })),
      metrics: spec.measurements.map((m) => ({
        name: m.name,
        interval: `${spec.intervalSeconds}s`,
        count: AnalysisTemplateSpecMetricsCount.fromNumber(spec.count),
        failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(spec.failureLimit),
        ...analysisConditions(m.max),
        provider: { prometheus: { address: spec.prometheusUrl, query: m.query } },
      })),
    },
  });
}
