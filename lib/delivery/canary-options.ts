/**
 * Options of a {@link CanaryApp} beside its pods: the analysis, its metrics, and the blue/green strategy.
 */
import { Duration } from 'cdk8s';
import { Check, checkArrayOf, checkBoolean, checkDnsLabel, checkHttpUrl, checkInstance, checkNumber, checkShape, checkString, checkTimeSpan, integer, optional } from '../core/checks';
import { positiveDuration } from '../core/durations';
import { ROLLOUTS_REVISION_LABEL } from './private/rollout-pod';
import { ReleaseHealth } from './release-health';
import { checkFraction } from './verified-switch';

/** The analysis argument that carries the canary's pod template hash (`podTemplateHashValue: Latest`). */
export const CANARY_HASH_ARG = 'canary-hash';

/** Series label Prometheus gives the pod label Argo Rollouts puts on every pod (`rollouts-pod-template-hash`). */
export const ROLLOUTS_HASH_SERIES_LABEL = 'rollouts_pod_template_hash';

/** Pod label Argo Rollouts puts on every pod of a Rollout; copy it onto the app's series to tell canary from stable. */
export const ROLLOUTS_HASH_POD_LABEL = ROLLOUTS_REVISION_LABEL;

/** One measurement of a canary analysis: a query and the highest value that passes. */
export interface CanaryAnalysisMetric {
  /** Metric name in the AnalysisTemplate (`error-ratio`): a DNS label, unique within the analysis. */
  readonly name: string;

  /** PromQL; `{{args.canary-hash}}` stands for the canary's pod template hash. Every series it names must be recorded by a rule. */
  readonly query: string;

  /** Highest value that passes; a larger one fails the measurement. */
  readonly max: number;
}

/** The analysis that runs after each canary weight below 100 %. */
export interface CanaryAnalysisProps {
  /** Recording rules split by {@link ROLLOUTS_HASH_SERIES_LABEL}: the error ratio and latency percentile measured. */
  readonly health: ReleaseHealth;

  /** Base URL of the Prometheus that evaluates `health`'s rules (`http://prometheus.monitoring.svc:9090`). */
  readonly prometheusUrl: string;

  /**
   * Time between two measurements (whole seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Measurements per analysis, 1 to 100.
   *
   * @default 5
   */
  readonly count?: number;

  /**
   * Failed measurements tolerated, below `count`; one more fails the analysis, aborts the rollout and returns
   * all traffic to the stable pods.
   *
   * @default 1
   */
  readonly failureLimit?: number;

  /**
   * Highest error ratio (share of failed requests), a fraction in (0, 1].
   *
   * @default 0.001
   */
  readonly errorRatioMax?: number;

  /**
   * Highest response time at the latency SLO's percentile.
   *
   * @default Duration.millis(200)
   */
  readonly latencyMax?: Duration;

  /**
   * Further measurements, checked like the built-in two.
   *
   * @default - only the error ratio and the latency percentile
   */
  readonly extraMetrics?: readonly CanaryAnalysisMetric[];
}

/**
 * The blue/green strategy of a Rollout, instead of canary steps: the new pods start behind the preview Service
 * `<name>-preview`; at promotion the active Service `<name>-active` (the one the Ingress routes to) switches to
 * them; the previous pods keep running for `scaleDownDelay`. A failed pre-promotion analysis stops the
 * release before any user reaches it; a failed post-promotion analysis aborts it and switches the active
 * Service back to the previous pods.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/bluegreen/
 */
export interface BlueGreenRolloutOptions {
  /**
   * Run the analysis on the preview pods before promotion. They get no user traffic, so without test
   * traffic sent to the preview Service the measurements are Inconclusive and the Rollout waits.
   *
   * @default false
   */
  readonly prePromotionAnalysis?: boolean;

  /**
   * Run the analysis on the new pods after promotion, on user traffic; a failure switches back.
   *
   * @default - true when there is an `analysis`
   */
  readonly postPromotionAnalysis?: boolean;

  /**
   * Promote as soon as the preview pods are ready (and the pre-promotion analysis passed); otherwise a
   * person promotes (`kubectl argo rollouts promote`).
   *
   * @default true
   */
  readonly autoPromotion?: boolean;

  /**
   * How long the previous pods keep running after promotion, so a switch back finds them ready (whole
   * seconds, at least 1).
   *
   * @default Duration.seconds(30)
   */
  readonly scaleDownDelay?: Duration;
}

/** The run-time check of {@link CanaryAnalysisProps}. */
export const checkCanaryAnalysis: Check = checkShape({
  health: checkInstance((v) => v instanceof ReleaseHealth, 'a ReleaseHealth'),
  prometheusUrl: checkHttpUrl,
  interval: optional((v) => checkTimeSpan(v, 1)),
  count: optional(integer(1, 100)),
  failureLimit: optional(integer(0, 99)),
  errorRatioMax: optional(checkFraction),
  latencyMax: optional(positiveDuration('Duration.millis(200)')),
  extraMetrics: optional(checkArrayOf(checkShape({ name: checkDnsLabel, query: checkString, max: (v) => checkNumber(v) }))),
});

/** The run-time check of {@link BlueGreenRolloutOptions}. */
export const checkBlueGreenRolloutOptions: Check = checkShape({
  prePromotionAnalysis: optional(checkBoolean),
  postPromotionAnalysis: optional(checkBoolean),
  autoPromotion: optional(checkBoolean),
  scaleDownDelay: optional((v) => checkTimeSpan(v, 1)),
});
