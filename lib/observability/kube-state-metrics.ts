import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkLabelKey } from '../core/checks';
import { ContainerResourceSpec } from '../core/container-resources';
import { assertAt } from '../core/errors';
import { MonitoringServer, addMonitoringServer, checkServerProps, componentLabels } from './monitoring-server';
import { ServiceScrapeTarget } from './scrape-targets';
import { checkDnsLabel, checkDnsSubdomain, checkLabelName, checkProps, checkString, optional, Rules } from '../core/checks';
import { checkResourceSpec } from '../core/container-resources';

/** Props of {@link KubeStateMetrics}. */
export interface KubeStateMetricsProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment, Service and ServiceAccount (the scrape job stays `kube-state-metrics`, which alerts select on).
   *
   * @default 'kube-state-metrics'
   */
  readonly name?: string;

  /** Image, pinned (`registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0`). */
  readonly image: string;

  /** Requests and limits of the container. */
  readonly resources: ContainerResourceSpec;

  /**
   * Service annotations exported as labels of `kube_service_annotations` (`annotation_<key, sanitized>`), for
   * alerts that read state a controller or hook records on a Service.
   *
   * @default - none: kube-state-metrics exports no annotation
   */
  readonly serviceAnnotations?: readonly string[];

  /**
   * Name of the cluster-scoped ClusterRole and ClusterRoleBinding; unique per cluster.
   *
   * @default - the `name` ('kube-state-metrics')
   */
  readonly clusterRoleName?: string;
}

const NAME = 'kube-state-metrics';
const METRICS_PORT = 8080;
const TELEMETRY_PORT = 8081;

/**
 * The object kinds exported, and so the only ones the ClusterRole may list and watch. The seed's alerts
 * and dashboards read `kube_pod_*`, `kube_cronjob_*`, `kube_job_*`, `kube_deployment_*` and
 * `kube_horizontalpodautoscaler_*`; Secrets and ConfigMaps are deliberately absent.
 */
const RESOURCES: ReadonlyArray<{ flag: string; apiGroup: string; resourceType: string }> = [
  { flag: 'cronjobs', apiGroup: 'batch', resourceType: 'cronjobs' },
  { flag: 'daemonsets', apiGroup: 'apps', resourceType: 'daemonsets' },
  { flag: 'deployments', apiGroup: 'apps', resourceType: 'deployments' },
  { flag: 'horizontalpodautoscalers', apiGroup: 'autoscaling', resourceType: 'horizontalpodautoscalers' },
  { flag: 'jobs', apiGroup: 'batch', resourceType: 'jobs' },
  { flag: 'namespaces', apiGroup: '', resourceType: 'namespaces' },
  { flag: 'nodes', apiGroup: '', resourceType: 'nodes' },
  { flag: 'persistentvolumeclaims', apiGroup: '', resourceType: 'persistentvolumeclaims' },
  { flag: 'poddisruptionbudgets', apiGroup: 'policy', resourceType: 'poddisruptionbudgets' },
  { flag: 'pods', apiGroup: '', resourceType: 'pods' },
  { flag: 'replicasets', apiGroup: 'apps', resourceType: 'replicasets' },
  { flag: 'services', apiGroup: '', resourceType: 'services' },
  { flag: 'statefulsets', apiGroup: 'apps', resourceType: 'statefulsets' },
];

/** Run-time checks of {@link KubeStateMetricsProps}, applied before anything is created. */
const KUBE_STATE_METRICS_RULES: Rules = { partOf: checkLabelName, name: optional(checkDnsLabel), image: checkString, resources: checkResourceSpec, clusterRoleName: optional(checkString) };

/**
 * kube-state-metrics (standalone mode): Deployment and Service `kube-state-metrics` (metrics on 8080, its own
 * telemetry on 8081) with a ClusterRole that may only list and watch the kinds it exports.
 */
export class KubeStateMetrics extends Construct {
  /** Deployment `kube-state-metrics`. */
  public readonly deployment: kplus.Deployment;

  /** Service `kube-state-metrics`. */
  public readonly service: kplus.Service;

  /** ClusterRole `kube-state-metrics`. */
  public readonly clusterRole: kplus.ClusterRole;

  /** The scrape target; labels are honoured so series keep the namespace of the object they describe. */
  public readonly target: ServiceScrapeTarget;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    checkProps(this, props, KUBE_STATE_METRICS_RULES);
    checkServerProps(this, props);
    const serviceAnnotations = [...new Set(props.serviceAnnotations ?? [])].sort();
    serviceAnnotations.forEach((key, i) => assertAt(this, `serviceAnnotations[${i}]`, checkLabelKey(key)));
    const name = props.name ?? NAME;
    const { labels } = componentLabels(name, 'metrics-exporter', props.partOf);
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    const clusterRoleName = props.clusterRoleName ?? name;
    assertAt(this, 'clusterRoleName', checkDnsSubdomain(clusterRoleName));
    this.clusterRole = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name: clusterRoleName, labels } });
    this.clusterRole.allow(['list', 'watch'], ...RESOURCES.map((r) => kplus.ApiResource.custom({ apiGroup: r.apiGroup, resourceType: r.resourceType })));
    const binding = new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name: clusterRoleName, labels }, role: this.clusterRole });
    binding.addSubjects(serviceAccount);

    this.server = addMonitoringServer(this, {
      name,
      component: 'metrics-exporter',
      partOf: props.partOf,
      image: props.image,
      args: [
        `--port=${METRICS_PORT}`, `--telemetry-port=${TELEMETRY_PORT}`, `--resources=${RESOURCES.map((r) => r.flag).join(',')}`,
        ...(serviceAnnotations.length === 0 ? [] : [`--metric-annotations-allowlist=services=[${serviceAnnotations.join(',')}]`]),
      ],
      ports: [{ name: 'http-metrics', port: METRICS_PORT }, { name: 'telemetry', port: TELEMETRY_PORT }],
      resources: props.resources,
      uid: 65534,
      readiness: { path: '/readyz', portName: 'telemetry', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/livez', portName: 'http-metrics', periodSeconds: 15, failureThreshold: 3 },
      serviceAccount,
      automountToken: true,
      rollingUpdate: true,
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
    this.target = {
      kind: 'service',
      job: NAME,
      namespace: Chart.of(this).namespace ?? 'default',
      serviceName: name,
      serviceLabels: this.server.selector,
      portName: 'http-metrics',
      port: METRICS_PORT,
      honorLabels: true,
      metrics: ['kube_'],
    };
  }
}
