import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as mon from '../../imports/monitoring.coreos.com';
import { assertAt } from '../core/errors';
import { checkArrayOf, checkLabelKey, checkLabelName, checkLabels, checkLabelValue, checkProps, optional, Rules } from '../core/checks';
import { recommendedLabels } from '../core/labels';
import { PodScrapeTarget, SCRAPE_ANNOTATION_META, ScrapeTarget, ServiceScrapeTarget } from './scrape-targets';
import { checkScrapeTarget } from './scrape-targets';
import { MetricProducers } from '../alerting/metric-producers';

/** Props of {@link OperatorMonitors}. */
export interface OperatorMonitorsProps {
  /** What to scrape; each target becomes one PodMonitor or ServiceMonitor named after its job. */
  readonly targets: readonly ScrapeTarget[];

  /**
   * Labels the running kube-prometheus-stack selects monitors, rules and sidecar ConfigMaps by (its
   * `release: <name>` label, unless its selectors were changed). Every such object in the chart must carry
   * them; synth fails when one does not.
   */
  readonly selector: Readonly<Record<string, string>>;

  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Label keys that mark a ConfigMap as input of kube-prometheus-stack's Grafana sidecar; such ConfigMaps
   * must carry the selector labels too.
   *
   * @default ['grafana_dashboard', 'grafana_datasource']
   */
  readonly sidecarLabelKeys?: string[];

  /**
   * Metric families kube-prometheus-stack's own jobs produce, which rules may use without a monitor here.
   *
   * @default KUBE_PROMETHEUS_STACK_METRICS
   */
  readonly stackMetrics?: readonly string[];
}

/**
 * What kube-prometheus-stack scrapes with its default values: kube-state-metrics, kubelet and cAdvisor,
 * node-exporter, the API server, Prometheus and Alertmanager.
 */
export const KUBE_PROMETHEUS_STACK_METRICS: readonly string[] = [
  'kube_', 'kubelet_', 'container_', 'machine_', 'node_', 'apiserver_', 'prometheus_', 'alertmanager_', 'volume_manager_', 'storage_operation_',
];

/** Kinds kube-prometheus-stack picks up only when they carry its selector labels. */
const SELECTED_KINDS = new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'AlertmanagerConfig']);

/** Run-time checks of {@link OperatorMonitorsProps}, applied before anything is created. */
const OPERATOR_MONITORS_RULES: Rules = {
  targets: checkArrayOf(checkScrapeTarget),
  selector: checkLabels,
  partOf: checkLabelName,
  sidecarLabelKeys: optional(checkArrayOf(checkLabelKey)),
};

/**
 * ServiceMonitors and PodMonitors for kube-prometheus-stack (operator mode), rendered from the same scrape
 * targets the standalone Prometheus configuration is rendered from.
 *
 * kube-prometheus-stack only selects objects that carry its `release: <name>` label, and it says nothing
 * when one does not: the most reported pitfall of that chart. So besides labelling its own monitors, this
 * construct checks every object of its chart that the operator or the Grafana sidecar consumes (monitors,
 * rules, sidecar ConfigMaps) and fails synth when one lacks a selector label.
 */
export class OperatorMonitors extends Construct {
  /** ServiceMonitors by job. */
  public readonly serviceMonitors: Record<string, mon.ServiceMonitor> = {};

  /** PodMonitors by job. */
  public readonly podMonitors: Record<string, mon.PodMonitor> = {};

  private readonly selector: Readonly<Record<string, string>>;
  private readonly sidecarLabelKeys: readonly string[];

  constructor(scope: Construct, id: string, props: OperatorMonitorsProps) {
    super(scope, id);
    checkProps(this, props, OPERATOR_MONITORS_RULES);
    this.selector = props.selector;
    this.sidecarLabelKeys = props.sidecarLabelKeys ?? ['grafana_dashboard', 'grafana_datasource'];
    assertAt(this, 'selector', Object.keys(props.selector).length === 0
      ? 'must name at least one label (kube-prometheus-stack selects by its `release` label)' : undefined);
    for (const [key, value] of Object.entries(props.selector)) {
      assertAt(this, `selector.${key}`, checkLabelValue(value));
    }
    const jobs = new Set<string>();
    for (const target of props.targets) {
      assertAt(this, `targets.${target.job}`, jobs.has(target.job) ? 'described twice' : undefined);
      jobs.add(target.job);
      const labels = { ...recommendedLabels({ name: target.job, instance: target.job, component: 'monitoring', partOf: props.partOf }), ...props.selector };
      if (target.kind === 'pods') {
        this.podMonitors[target.job] = this.addPodMonitor(target, labels);
      } else {
        this.serviceMonitors[target.job] = this.addServiceMonitor(target, labels);
      }
    }
    const producers = MetricProducers.of(this);
    for (const target of props.targets) {
      if (target.metrics !== undefined) {
        producers.declare(this, { name: `${target.kind === 'pods' ? 'PodMonitor' : 'ServiceMonitor'} ${target.job}`, metrics: target.metrics });
      }
    }
    producers.declare(this, { name: 'kube-prometheus-stack', metrics: props.stackMetrics ?? KUBE_PROMETHEUS_STACK_METRICS });
    this.node.addValidation({ validate: () => this.unselected() });
  }

  private addPodMonitor(t: PodScrapeTarget, labels: Record<string, string>): mon.PodMonitor {
    return new mon.PodMonitor(this, `PodMonitor-${t.job}`, {
      metadata: { name: t.job, labels },
      spec: {
        selector: { matchLabels: { ...t.selector } },
        namespaceSelector: { matchNames: [t.namespace] },
        podTargetLabels: [...(t.podTargetLabels ?? [])].sort(),
        podMetricsEndpoints: [{
          port: t.portName,
          path: t.path ?? '/metrics',
          relabelings: [
            // The standalone job keeps only pods that opt in with prometheus.io/scrape: "true"; so does this.
            { sourceLabels: [SCRAPE_ANNOTATION_META], regex: 'true', action: mon.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.KEEP },
            // The operator names the job `<namespace>/<monitor>`; alerts select on the job name.
            { targetLabel: 'job', replacement: t.job, action: mon.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE },
          ],
        }],
      },
    });
  }

  private addServiceMonitor(t: ServiceScrapeTarget, labels: Record<string, string>): mon.ServiceMonitor {
    return new mon.ServiceMonitor(this, `ServiceMonitor-${t.job}`, {
      metadata: { name: t.job, labels },
      spec: {
        selector: { matchLabels: { ...t.serviceLabels } },
        namespaceSelector: { matchNames: [t.namespace] },
        endpoints: (t.probeTargets !== undefined && t.probeTargets.length > 0 ? t.probeTargets : [undefined]).map((probe) => ({
          port: t.portName,
          path: probe === undefined ? t.path ?? '/metrics' : t.probePath ?? '/probe',
          ...(t.honorLabels === true ? { honorLabels: true } : {}),
          ...(probe === undefined ? {} : { params: { target: [probe] } }),
          relabelings: [
            { targetLabel: 'job', replacement: t.job, action: mon.ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE },
            // As the standalone job: one target per probed server, named after it.
            ...(probe === undefined ? [] : [{ targetLabel: 'instance', replacement: probe, action: mon.ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE }]),
          ],
        })),
      },
    });
  }

  /** Objects of this chart the stack consumes but would not select, one message each. */
  private unselected(): string[] {
    const problems: string[] = [];
    const candidates = Chart.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && (SELECTED_KINDS.has(c.kind) || c.kind === 'ConfigMap'));
    for (const obj of candidates) {
      // Rendered, so labels changed by JSON patches count.
      const json = obj.toJson() as { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
      const labels = json.metadata?.labels ?? {};
      const consumed = SELECTED_KINDS.has(obj.kind) || (obj.kind === 'ConfigMap' && this.sidecarLabelKeys.some((k) => labels[k] !== undefined));
      if (!consumed) {
        continue;
      }
      const missing = Object.entries(this.selector).filter(([k, v]) => labels[k] !== v);
      if (missing.length > 0) {
        const want = missing.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
        problems.push(`metadata.labels: ${obj.kind} "${json.metadata?.namespace ?? ''}/${json.metadata?.name}" lacks ${want}; kube-prometheus-stack would not select it`);
      }
    }
    return problems;
  }
}
