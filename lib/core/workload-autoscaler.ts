import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertAt, failAt, show } from './errors';
import {
  Check, checkArrayOf, checkDnsLabel, checkInteger, checkLabels, checkMetricName, checkNumber, checkProps, checkReplicaBounds, checkScalableWorkload, checkShape, checkTimeSpan, integer, oneOf, optional, Rules,
} from './checks';
import { MetricApiType, MetricSources } from './metric-sources';

/** A Kubernetes quantity: a number renders as a YAML number, a string (`"100"`, `"500m"`) as a string. */
export type MetricQuantity = number | string;

/** Resources a `Resource` metric can measure against the containers' requests. */
export type ResourceMetricName = 'cpu' | 'memory';

/**
 * One metric an autoscaler scales on. Build it with the {@link AutoscalerMetric} factories.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#MetricSpec
 */
export type AutoscalerMetricSpec =
  | { readonly type: 'Resource'; readonly resource: ResourceMetricName; readonly averageUtilizationPercent: number }
  | { readonly type: 'Pods'; readonly name: string; readonly selector?: Readonly<Record<string, string>>; readonly averageValue: MetricQuantity }
  | {
    readonly type: 'External';
    readonly name: string;
    readonly selector?: Readonly<Record<string, string>>;
    readonly averageValue?: MetricQuantity;
    readonly value?: MetricQuantity;
  };

/** Options of {@link AutoscalerMetric.pods}. */
export interface PodsMetricOptions {
  /** Metric name as the custom metrics API serves it (`http_requests_per_second`). */
  readonly name: string;

  /** Target average of the metric per pod. */
  readonly averageValue: MetricQuantity;

  /**
   * Label selector narrowing the metric's series.
   *
   * @default - every series of the metric
   */
  readonly selector?: Readonly<Record<string, string>>;
}

/** Options of {@link AutoscalerMetric.external}. Give exactly one of `averageValue` and `value`. */
export interface ExternalMetricOptions {
  /** Metric name as the external metrics API serves it (`redis_queue_length`). */
  readonly name: string;

  /**
   * Label selector choosing the series (`{ queue: 'default' }`).
   *
   * @default - every series of the metric, summed
   */
  readonly selector?: Readonly<Record<string, string>>;

  /**
   * Target value divided by the current pod count (`AverageValue`).
   *
   * @default - none; `value` must be given
   */
  readonly averageValue?: MetricQuantity;

  /**
   * Target value of the metric as a whole (`Value`).
   *
   * @default - none; `averageValue` must be given
   */
  readonly value?: MetricQuantity;
}

/** Factories for the metrics a {@link WorkloadAutoscaler} scales on. */
export class AutoscalerMetric {
  /** Average CPU usage as a percentage of the containers' CPU requests. */
  public static cpuUtilization(percent: number): AutoscalerMetricSpec {
    return { type: 'Resource', resource: 'cpu', averageUtilizationPercent: percent };
  }

  /** Average memory usage as a percentage of the containers' memory requests. */
  public static memoryUtilization(percent: number): AutoscalerMetricSpec {
    return { type: 'Resource', resource: 'memory', averageUtilizationPercent: percent };
  }

  /** A per-pod custom metric, averaged over the target's pods. */
  public static pods(options: PodsMetricOptions): AutoscalerMetricSpec {
    return { type: 'Pods', ...options };
  }

  /** A metric from outside the cluster's objects (a queue length), served by an external metrics adapter. */
  public static external(options: ExternalMetricOptions): AutoscalerMetricSpec {
    return { type: 'External', ...options };
  }
}

/**
 * One scaling policy: at most `value` pods (or percent of the current pods) per `period`.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec
 */
export interface ScalingPolicySpec {
  /** `Pods`: an absolute number of pods; `Percent`: a percentage of the current pod count. */
  readonly type: 'Pods' | 'Percent';

  /** Pods (at least 1) or percent (1 to 1000) per period. */
  readonly value: number;

  /** Length of the period the policy holds for: whole seconds from 1 s to 30 minutes (`periodSeconds`). */
  readonly period: Duration;
}

/** How fast an autoscaler may move in one direction. */
export interface ScalingRulesSpec {
  /**
   * How far back past recommendations are considered before scaling, which damps flapping: whole seconds
   * from 0 to one hour (`stabilizationWindowSeconds`).
   */
  readonly stabilizationWindow: Duration;

  /** The policies; at least one. */
  readonly policies: ScalingPolicySpec[];

  /**
   * Which policy wins when several allow a change: `Max` the larger change, `Min` the smaller, `Disabled`
   * none (no scaling in this direction).
   *
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
}

/** A workload an autoscaler can scale: a cdk8s-plus Deployment or StatefulSet. */
export type ScalableWorkload = kplus.Deployment | kplus.StatefulSet;

/** Props of {@link WorkloadAutoscaler}. */
export interface WorkloadAutoscalerProps {
  /** Name of the HorizontalPodAutoscaler (`storefront-worker-hpa`). */
  readonly name: string;

  /**
   * Labels of the HorizontalPodAutoscaler object.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * The workload to scale. It must be in a chart of the same namespace, and its containers must already
   * exist (their resource requests are checked against `Resource` metrics).
   */
  readonly target: ScalableWorkload;

  /** Fewest pods, at least 1. */
  readonly minReplicas: number;

  /** Most pods, at least `minReplicas`. */
  readonly maxReplicas: number;

  /** Metrics to scale on, at least one; the largest recommendation wins. */
  readonly metrics: AutoscalerMetricSpec[];

  /**
   * Scale-up behaviour.
   *
   * @default - Kubernetes' default: no stabilization, double or +4 pods per 15 s, whichever is more
   */
  readonly scaleUp?: ScalingRulesSpec;

  /**
   * Scale-down behaviour.
   *
   * @default - Kubernetes' default: 300 s stabilization, then down to the recommendation at once
   */
  readonly scaleDown?: ScalingRulesSpec;
}

const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/;

/** A metric target: a positive number or a quantity string (`100`, `500m`). */
function checkMetricQuantity(value: unknown): string | undefined {
  // The quantity's syntax is checked where the target is built.
  return typeof value === 'string' ? undefined : checkNumber(value);
}

/** The run-time check of one {@link AutoscalerMetricSpec}: its type, then the fields of that type. */
const checkMetricSpec: Check = (value) => {
  const type = (value as { type?: unknown } | null)?.type;
  if (type === 'Resource') {
    return checkShape({ type: oneOf(['Resource']), resource: oneOf(['cpu', 'memory']), averageUtilizationPercent: integer(1) })(value);
  }
  if (type === 'Pods') {
    return checkShape({ type: oneOf(['Pods']), name: checkMetricName, selector: optional(checkLabels), averageValue: checkMetricQuantity })(value);
  }
  if (type === 'External') {
    return checkShape({ type: oneOf(['External']), name: checkMetricName, selector: optional(checkLabels), averageValue: optional(checkMetricQuantity), value: optional(checkMetricQuantity) })(value);
  }
  return typeof value === 'object' && value !== null
    ? { field: '.type', problem: `must be one of "Resource", "Pods", "External", got ${show(type)}` }
    : `must be a metric such as AutoscalerMetric.cpuUtilization(70), got ${show(value)}`;
};

/** The run-time check of a {@link ScalingRulesSpec} (HPA `behavior.scaleUp` / `scaleDown`). */
export const checkScalingRules: Check = checkShape({
  stabilizationWindow: (v) => checkTimeSpan(v, 0, 3600),
  policies: checkArrayOf(checkShape({ type: oneOf(['Pods', 'Percent']), value: (v) => checkNumber(v), period: (v) => checkTimeSpan(v, 1, 1800) })),
  selectPolicy: optional(oneOf(['Max', 'Min', 'Disabled'])),
});

/** Run-time checks of {@link WorkloadAutoscalerProps}, applied before anything is created. */
const WORKLOAD_AUTOSCALER_RULES: Rules = {
  name: checkDnsLabel,
  labels: optional(checkLabels),
  target: checkScalableWorkload,
  minReplicas: integer(1),
  maxReplicas: integer(1),
  metrics: checkArrayOf(checkMetricSpec),
  scaleUp: optional(checkScalingRules),
  scaleDown: optional(checkScalingRules),
};

/**
 * An autoscaling/v2 HorizontalPodAutoscaler built from typed metrics and behaviour.
 *
 * It refuses, with one message naming the construct path and the field, what the API server would refuse
 * or what cannot work: bounds below 1 or crossed, policies outside their ranges, a utilization metric on a
 * target whose containers request no such resource (the HPA reports "missing request" and never scales),
 * a target in another namespace (the reference would point at nothing), or a second autoscaler on one
 * target (the two would fight). The target Deployment or StatefulSet then renders without `replicas`, so
 * that the autoscaler alone owns the pod count.
 */
export class WorkloadAutoscaler extends Construct {
  /** The rendered object. */
  public readonly apiObject: kplus.k8s.KubeHorizontalPodAutoscalerV2;

  /** The scaled workload. */
  public readonly target: ScalableWorkload;

  /** Fewest pods. */
  public readonly minReplicas: number;

  /** Most pods. */
  public readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: WorkloadAutoscalerProps) {
    super(scope, id);
    checkProps(this, props, WORKLOAD_AUTOSCALER_RULES);
    this.target = props.target;
    this.minReplicas = props.minReplicas;
    this.maxReplicas = props.maxReplicas;
    this.validate(props);

    props.target.markHasAutoscaler();
    const ref = props.target.toScalingTarget();
    this.apiObject = new kplus.k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        scaleTargetRef: { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: props.metrics.map(renderMetric),
        behavior: props.scaleUp === undefined && props.scaleDown === undefined ? undefined : {
          scaleUp: props.scaleUp === undefined ? undefined : renderScalingRules(props.scaleUp),
          scaleDown: props.scaleDown === undefined ? undefined : renderScalingRules(props.scaleDown),
        },
      },
    });
  }

  private validate(p: WorkloadAutoscalerProps): void {
    assertAt(this, 'name', checkDnsLabel(p.name));
    assertAt(this, 'minReplicas', checkInteger(p.minReplicas, 1));
    assertAt(this, 'maxReplicas', checkInteger(p.maxReplicas, 1));
    assertAt(this, 'minReplicas', checkReplicaBounds(p.minReplicas, p.maxReplicas));
    assertScalableTarget(this, p.target);
    if (p.metrics.length === 0) {
      failAt(this, 'metrics', 'needs at least one metric to scale on');
    }
    p.metrics.forEach((metric, i) => this.validateMetric(`metrics[${i}]`, metric, p.target));
    if (p.scaleUp !== undefined) {
      assertScalingRules(this, 'scaleUp', p.scaleUp);
    }
    if (p.scaleDown !== undefined) {
      assertScalingRules(this, 'scaleDown', p.scaleDown);
    }
  }

  private assertServed(field: string, type: MetricApiType, name: string): void {
    if (MetricSources.of(this).serverOf(type, name) === undefined) {
      failAt(this, `${field}.name`, `nothing in this app serves the ${type} metric ${show(name)} (no metrics adapter declares it in MetricSources), `
        + 'so the HPA could never read it; scale on cpu or memory, or on a source KEDA reads');
    }
  }

  private validateMetric(field: string, metric: AutoscalerMetricSpec, target: ScalableWorkload): void {
    switch (metric.type) {
      case 'Resource': {
        assertAt(this, `${field}.averageUtilizationPercent`, checkInteger(metric.averageUtilizationPercent, 1));
        const ref = target.toScalingTarget();
        if (ref.containers.length === 0) {
          failAt(this, field, `${ref.kind} "${ref.name}" has no containers yet; create the autoscaler after them`);
        }
        const missing = ref.containers.find((c) => c.resources?.[metric.resource]?.request === undefined);
        if (missing !== undefined) {
          failAt(this, field, `${metric.resource} utilization needs a ${metric.resource} request on every container of `
            + `${ref.kind} "${ref.name}", but container "${missing.name}" has none`);
        }
        return;
      }
      case 'Pods':
        assertAt(this, `${field}.name`, metric.name.trim() === '' ? `required, got ${show(metric.name)}` : undefined);
        assertAt(this, `${field}.averageValue`, checkQuantity(metric.averageValue));
        this.assertServed(field, metric.type, metric.name);
        return;
      case 'External':
        assertAt(this, `${field}.name`, metric.name.trim() === '' ? `required, got ${show(metric.name)}` : undefined);
        if ((metric.averageValue === undefined) === (metric.value === undefined)) {
          failAt(this, field, 'give exactly one of averageValue and value');
        }
        if (metric.averageValue !== undefined) {
          assertAt(this, `${field}.averageValue`, checkQuantity(metric.averageValue));
        }
        if (metric.value !== undefined) {
          assertAt(this, `${field}.value`, checkQuantity(metric.value));
        }
        this.assertServed(field, metric.type, metric.name);
        return;
    }
  }
}

/**
 * Throws, naming field `target` at `scope`, when `target` already has an autoscaler (two would fight over
 * its pod count) or is rendered in another namespace or app than `scope` (the reference would point at
 * nothing).
 */
export function assertScalableTarget(scope: Construct, target: ScalableWorkload): void {
  const ref = target.toScalingTarget();
  if (target.hasAutoscaler) {
    failAt(scope, 'target', `${ref.kind} "${ref.name}" already has an autoscaler; two would fight over its pod count`);
  }
  const own = Chart.of(scope);
  const theirs = Chart.of(target);
  if (own.node.root !== theirs.node.root || (own.namespace ?? 'default') !== (theirs.namespace ?? 'default')) {
    failAt(scope, 'target', `${ref.kind} "${ref.name}" does not exist in namespace ${show(own.namespace ?? 'default')}`
      + ` (it is rendered in ${show(theirs.namespace ?? 'default')}${own.node.root === theirs.node.root ? '' : ' of another app'})`);
  }
}

/**
 * Throws, naming `field` at `scope`, when scaling rules are outside what the API server accepts: a window
 * outside 0 s to one hour, no policy, a Percent policy outside 1–1000, a period outside 1 s to 30 minutes.
 */
export function assertScalingRules(scope: Construct, field: string, rules: ScalingRulesSpec): void {
  assertAt(scope, `${field}.stabilizationWindow`, checkTimeSpan(rules.stabilizationWindow, 0, 3600));
  if (rules.policies.length === 0) {
    failAt(scope, `${field}.policies`, 'needs at least one policy');
  }
  rules.policies.forEach((policy, i) => {
    const at = `${field}.policies[${i}]`;
    if (policy.type === 'Percent') {
      assertAt(scope, `${at}.value`, checkInteger(policy.value, 1, 1000));
    } else {
      assertAt(scope, `${at}.value`, checkInteger(policy.value, 1));
    }
    assertAt(scope, `${at}.period`, checkTimeSpan(policy.period, 1, 1800));
  });
}

function checkQuantity(value: MetricQuantity): string | undefined {
  const ok = typeof value === 'number' ? Number.isFinite(value) && value > 0 : QUANTITY.test(value) && Number.parseFloat(value) > 0;
  return ok ? undefined : `must be a positive quantity such as 100 or "500m", got ${show(value)}`;
}

function quantity(value: MetricQuantity): kplus.k8s.Quantity {
  return typeof value === 'number' ? kplus.k8s.Quantity.fromNumber(value) : kplus.k8s.Quantity.fromString(value);
}

function selector(labels: Readonly<Record<string, string>> | undefined): kplus.k8s.LabelSelector | undefined {
  return labels === undefined ? undefined : { matchLabels: { ...labels } };
}

function renderMetric(metric: AutoscalerMetricSpec): kplus.k8s.MetricSpecV2 {
  switch (metric.type) {
    case 'Resource':
      return {
        type: 'Resource',
        resource: { name: metric.resource, target: { type: 'Utilization', averageUtilization: metric.averageUtilizationPercent } },
      };
    case 'Pods':
      return {
        type: 'Pods',
        pods: {
          metric: { name: metric.name, selector: selector(metric.selector) },
          target: { type: 'AverageValue', averageValue: quantity(metric.averageValue) },
        },
      };
    case 'External':
      return {
        type: 'External',
        external: {
          metric: { name: metric.name, selector: selector(metric.selector) },
          target: metric.averageValue !== undefined
            ? { type: 'AverageValue', averageValue: quantity(metric.averageValue) }
            : { type: 'Value', value: quantity(metric.value!) },
        },
      };
  }
}

/** The autoscaling/v2 form of scaling rules (what an HPA, or KEDA's HPA config, carries). */
export function renderScalingRules(rules: ScalingRulesSpec): kplus.k8s.HpaScalingRulesV2 {
  return {
    stabilizationWindowSeconds: rules.stabilizationWindow.toSeconds(),
    selectPolicy: rules.selectPolicy ?? 'Max',
    policies: rules.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.period.toSeconds() })),
  };
}
