/**
 * What Prometheus scrapes, described once.
 *
 * The same description renders both ways: as `scrape_configs` of our own Prometheus (standalone mode, see
 * {@link renderScrapeConfigs}) and as ServiceMonitor / PodMonitor objects for kube-prometheus-stack
 * (operator mode, see `OperatorMonitors`). Either way a target gets the same `job` label and the same
 * target labels, so alert rules and dashboards work unchanged in both modes.
 */
import { AnnotationKeys } from '../core/labels';
import {
  Check, checkArrayOf, checkBoolean, checkDnsLabel, checkLabelKey, checkLabels, checkNonEmpty, checkPort, checkShape, checkUrlPath, optional,
} from '../core/checks';
import { show } from '../core/errors';

/**
 * Pods discovered through the Kubernetes API that opt in with the `prometheus.io/scrape: "true"`
 * annotation.
 */
export interface PodScrapeTarget {
  readonly kind: 'pods';

  /** Value of the `job` label (`storefront`); alerts select on it. */
  readonly job: string;

  /** Namespace the pods run in. */
  readonly namespace: string;

  /** Pod labels that select the pods (a stable subset: name, app). */
  readonly selector: Readonly<Record<string, string>>;

  /** Name of the container port serving metrics. */
  readonly portName: string;

  /**
   * Path of the metrics endpoint.
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * Pod labels copied onto every series, under the same name (`environment` carries the blue/green colour).
   *
   * @default - none beyond `namespace` and `pod`
   */
  readonly podTargetLabels?: string[];

  /**
   * Metric families the target produces (full names or prefixes such as `mysql_`). Alert and recording
   * rules are checked against them at synth (`MetricProducers`).
   *
   * @default - none declared: a rule over this target's metrics fails synth
   */
  readonly metrics?: readonly string[];
}

/** A Service's endpoint on a named port (an exporter, kube-state-metrics). */
export interface ServiceScrapeTarget {
  readonly kind: 'service';

  /** Value of the `job` label (`mysql-exporter`); alerts select on it. */
  readonly job: string;

  /** Namespace of the Service. */
  readonly namespace: string;

  /** Name of the Service. */
  readonly serviceName: string;

  /** Labels of the Service (what a ServiceMonitor selects it by). */
  readonly serviceLabels: Readonly<Record<string, string>>;

  /** Name of the Service port serving metrics. */
  readonly portName: string;

  /** Number of that Service port. */
  readonly port: number;

  /**
   * Path of the metrics endpoint.
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * Keep the labels the target exposes when they clash with target labels. kube-state-metrics needs it: its
   * series carry the `namespace` of the object they describe, not of the exporter.
   *
   * @default false - the target gets a `namespace` label of the Service's namespace
   */
  readonly honorLabels?: boolean;

  /**
   * Servers the exporter probes on Prometheus' behalf (the multi-target exporter pattern): each becomes a
   * target scraped at `probePath?target=<server>`, labelled `instance="<server>"`, through this Service.
   *
   * @default - none: the Service's own metrics endpoint is the one target
   * @see https://prometheus.io/docs/guides/multi-target-exporter/
   */
  readonly probeTargets?: readonly string[];

  /**
   * Path of the probe endpoint (with `probeTargets`).
   *
   * @default '/probe'
   */
  readonly probePath?: string;

  /**
   * Metric families the target produces (full names or prefixes such as `mysql_`). Alert and recording
   * rules are checked against them at synth (`MetricProducers`).
   *
   * @default - none declared: a rule over this target's metrics fails synth
   */
  readonly metrics?: readonly string[];
}

/** Props of {@link certManagerScrapeTarget}. */
export interface CertManagerScrapeTargetProps {
  /**
   * Namespace cert-manager is installed in.
   *
   * @default 'cert-manager'
   */
  readonly namespace?: string;

  /**
   * Name of cert-manager's controller Service.
   *
   * @default 'cert-manager' (the Helm chart's name with release name cert-manager)
   */
  readonly serviceName?: string;
}

/**
 * cert-manager's controller metrics (job `cert-manager`): the Service the Helm chart creates, port
 * `tcp-prometheus-servicemonitor` (9402). Labels are honoured: `certmanager_certificate_*` series carry the
 * namespace of the Certificate, not of cert-manager.
 *
 * @see https://cert-manager.io/docs/devops-tips/prometheus-metrics/
 */
export function certManagerScrapeTarget(props: CertManagerScrapeTargetProps = {}): ServiceScrapeTarget {
  const namespace = props.namespace ?? 'cert-manager';
  const serviceName = props.serviceName ?? 'cert-manager';
  return {
    kind: 'service',
    job: 'cert-manager',
    namespace,
    serviceName,
    serviceLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': serviceName, 'app.kubernetes.io/component': 'controller' },
    portName: 'tcp-prometheus-servicemonitor',
    port: 9402,
    honorLabels: true,
    metrics: ['certmanager_'],
  };
}

/** Anything Prometheus scrapes. */
export type ScrapeTarget = PodScrapeTarget | ServiceScrapeTarget;

/** A Prometheus `scrape_config`, loosely typed (rendered to YAML as it is). */
export type ScrapeConfig = Record<string, unknown> & { job_name: string };

/** `app.kubernetes.io/name` -> `app_kubernetes_io_name`, as Prometheus names discovered label metadata. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Regular expression matching exactly `value` (RE2, anchored by Prometheus). */
function literal(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Relabelling shared by both modes for pod targets: the seed's opt-in annotation. */
export const SCRAPE_ANNOTATION_META = `__meta_kubernetes_pod_annotation_${sanitizeLabelName(AnnotationKeys.PROMETHEUS_SCRAPE)}`;

/** Address Prometheus reaches a Service target at from any namespace. */
export function serviceAddress(target: ServiceScrapeTarget): string {
  return `${target.serviceName}.${target.namespace}.svc:${target.port}`;
}

/**
 * Renders targets as Prometheus `scrape_configs` (standalone mode), in the given order.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
export function renderScrapeConfigs(targets: readonly ScrapeTarget[]): ScrapeConfig[] {
  const jobs = new Set<string>();
  return targets.map((t) => {
    if (jobs.has(t.job)) {
      throw new Error(`scrape job ${JSON.stringify(t.job)} is described twice`);
    }
    jobs.add(t.job);
    return t.kind === 'pods' ? podScrapeConfig(t) : serviceScrapeConfig(t);
  });
}

function podScrapeConfig(t: PodScrapeTarget): ScrapeConfig {
  const meta = (label: string) => `__meta_kubernetes_pod_label_${sanitizeLabelName(label)}`;
  const selectorKeeps = Object.keys(t.selector).sort()
    .map((key) => ({ source_labels: [meta(key)], regex: literal(t.selector[key]), action: 'keep' }));
  return {
    job_name: t.job,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [t.namespace] } }],
    metrics_path: t.path ?? '/metrics',
    relabel_configs: [
      // Only pods that opt in with prometheus.io/scrape: "true".
      { source_labels: [SCRAPE_ANNOTATION_META], regex: 'true', action: 'keep' },
      ...selectorKeeps,
      // The pod role yields one target per container port: keep the metrics port only.
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: literal(t.portName), action: 'keep' },
      // Path and port from the prometheus.io/path and prometheus.io/port annotations.
      {
        source_labels: [`__meta_kubernetes_pod_annotation_${sanitizeLabelName(AnnotationKeys.PROMETHEUS_PATH)}`],
        regex: '(.+)', target_label: '__metrics_path__', action: 'replace',
      },
      {
        source_labels: ['__address__', `__meta_kubernetes_pod_annotation_${sanitizeLabelName(AnnotationKeys.PROMETHEUS_PORT)}`],
        regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__', action: 'replace',
      },
      // The labels a PodMonitor adds, so queries and alerts read the same in both modes.
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      ...[...(t.podTargetLabels ?? [])].sort().map((label) => ({ source_labels: [meta(label)], target_label: sanitizeLabelName(label), action: 'replace' })),
    ],
  };
}

function serviceScrapeConfig(t: ServiceScrapeTarget): ScrapeConfig {
  if (t.probeTargets !== undefined && t.probeTargets.length > 0) {
    return {
      job_name: t.job,
      metrics_path: t.probePath ?? '/probe',
      static_configs: [{ targets: [...t.probeTargets], labels: { namespace: t.namespace } }],
      relabel_configs: [
        { source_labels: ['__address__'], target_label: '__param_target', action: 'replace' },
        { source_labels: ['__param_target'], target_label: 'instance', action: 'replace' },
        { target_label: '__address__', replacement: serviceAddress(t), action: 'replace' },
      ],
    };
  }
  const config: ScrapeConfig = {
    job_name: t.job,
    metrics_path: t.path ?? '/metrics',
    static_configs: [{ targets: [serviceAddress(t)], ...(t.honorLabels === true ? {} : { labels: { namespace: t.namespace } }) }],
  };
  if (t.honorLabels === true) {
    config.honor_labels = true;
  }
  return config;
}

const POD_TARGET = checkShape({
  job: checkNonEmpty, namespace: checkDnsLabel, selector: checkLabels, portName: checkNonEmpty,
  path: optional(checkUrlPath), podTargetLabels: optional(checkArrayOf(checkLabelKey)),
});

const SERVICE_TARGET = checkShape({
  job: checkNonEmpty, namespace: checkDnsLabel, serviceName: checkDnsLabel, serviceLabels: checkLabels, portName: checkNonEmpty,
  port: checkPort, path: optional(checkUrlPath), honorLabels: optional(checkBoolean),
});

/** The run-time check of a {@link ScrapeTarget}: its kind, then the fields of that kind. */
export const checkScrapeTarget: Check = (value) => {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'pods') {
    return POD_TARGET(value);
  }
  if (kind === 'service') {
    return SERVICE_TARGET(value);
  }
  return typeof value === 'object' && value !== null
    ? { field: '.kind', problem: `must be one of "pods", "service", got ${show(kind)}` }
    : `must be a scrape target object, got ${show(value)}`;
};
