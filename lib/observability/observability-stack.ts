import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppNamespace, NamespaceQuota } from '../core/app-namespace';
import { ClusterRequirements } from '../core/cluster-requirements';
import { ContainerResourceSpec } from '../core/container-resources';
import {
  Check, Rules, checkArrayOf, checkDnsLabel, checkInstance, checkLabelKey, checkLabelName, checkLabels, checkProps, checkShape, checkString, checkStrings, oneOf, optional,
} from '../core/checks';
import { LabelKeys } from '../core/labels';
import { NetworkConnections, NetworkPeer } from '../safety/network-connections';
import { BlueGreenApp } from '../web/blue-green-app';
import { AlertmanagerServer } from './alertmanager-server';
import { DatasourceUids, GrafanaDashboard } from './grafana-dashboard';
import { GrafanaDatasource, GrafanaProvisioning } from './grafana-provisioning';
import { GrafanaServer } from './grafana-server';
import { JaegerServer, JaegerStorage } from './jaeger-server';
import { KubeStateMetrics } from './kube-state-metrics';
import { LogShipper } from './log-shipper';
import { LokiServer } from './loki-server';
import { MonitoringNames } from './monitoring-names';
import { OperatorMonitors } from './operator-monitors';
import { PrometheusServer } from './prometheus-server';
import { PodScrapeTarget, ScrapeTarget, ServiceScrapeTarget } from './scrape-targets';

/** Pinned images of the standalone components. */
export interface ObservabilityImages {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly grafana: string;
  readonly kubeStateMetrics: string;
  readonly loki: string;
  readonly alloy: string;
  readonly jaeger: string;
}

/** The images {@link ObservabilityMode.standalone} runs when none are given, each pinned to a release. */
export const DEFAULT_OBSERVABILITY_IMAGES: ObservabilityImages = {
  prometheus: 'prom/prometheus:v2.53.2',
  alertmanager: 'prom/alertmanager:v0.27.0',
  grafana: 'grafana/grafana:11.2.0',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
  loki: 'grafana/loki:3.1.1',
  alloy: 'grafana/alloy:v1.4.2',
  jaeger: 'jaegertracing/jaeger:2.0.0',
};

/**
 * Names of the namespaced objects of the standalone mode. Each server's Deployment (DaemonSet for Alloy),
 * Service, ServiceAccount, data volume claim (`<name>-data`) and configuration ConfigMap are named after
 * it, and its `app.kubernetes.io/name` label, which the declared network flows select on, is the name too.
 */
export interface ObservabilityNames {
  /** Prometheus (`<name>` Deployment and Service). */
  readonly prometheus: string;
  /** The ConfigMap holding `prometheus.yml`. */
  readonly prometheusConfig: string;
  /** The ConfigMap of rule files Prometheus mounts; give `AlertRules` the same `configMapName`. */
  readonly rules: string;
  /** Alertmanager. */
  readonly alertmanager: string;
  /** The ConfigMap holding the Alertmanager configuration; give `AlertmanagerRouting` the same `name`. */
  readonly alertmanagerConfig: string;
  /** Grafana; its provisioning ConfigMaps are `<name>-datasources`, `<name>-dashboard-<uid>`, `<name>-dashboard-provider`. */
  readonly grafana: string;
  /** Loki (`<name>-config` holds its configuration). */
  readonly loki: string;
  /** Jaeger's query Service and Deployment (the OTLP Service is `<name>-collector`). */
  readonly jaeger: string;
  /** kube-state-metrics (the scrape job keeps the name `kube-state-metrics`). */
  readonly kubeStateMetrics: string;
  /** The Alloy log shipper. */
  readonly alloy: string;
}

/** The names {@link ObservabilityMode.standalone} uses when none are given. */
export const DEFAULT_OBSERVABILITY_NAMES: ObservabilityNames = {
  prometheus: MonitoringNames.PROMETHEUS_SERVICE,
  prometheusConfig: 'prometheus-config',
  rules: MonitoringNames.RULES_CONFIG_MAP,
  alertmanager: MonitoringNames.ALERTMANAGER_SERVICE,
  alertmanagerConfig: MonitoringNames.ALERTMANAGER_CONFIG,
  grafana: 'grafana',
  loki: MonitoringNames.LOKI_SERVICE,
  jaeger: MonitoringNames.JAEGER_QUERY_SERVICE,
  kubeStateMetrics: 'kube-state-metrics',
  alloy: 'alloy',
};

/** Container and volume of one server. */
export interface ObservabilityServerSizing {
  /** Requests and limits of the server container. */
  readonly resources: ContainerResourceSpec;

  /** Size of its data volume. */
  readonly storageSize: Size;
}

function sized(cpuRequestMillis: number, cpuLimitMillis: number, memoryRequestMi: number, memoryLimitMi: number): ContainerResourceSpec {
  return {
    cpuRequest: kplus.Cpu.millis(cpuRequestMillis),
    cpuLimit: kplus.Cpu.millis(cpuLimitMillis),
    memoryRequest: Size.mebibytes(memoryRequestMi),
    memoryLimit: Size.mebibytes(memoryLimitMi),
  };
}

/** Options of the standalone mode: every server runs in the chart's namespace. */
export interface StandaloneObservabilityOptions {
  /**
   * Addresses of the nodes and the Kubernetes API endpoints (kubelet and cAdvisor scrapes, service discovery,
   * kube-state-metrics watches, Alloy's log tailing).
   */
  readonly clusterNodesCidr: string;

  /**
   * Addresses Alertmanager may reach for notifications (HTTPS and SMTP submission), with exceptions.
   *
   * @default - 0.0.0.0/0 except the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16
   */
  readonly notificationCidr?: { readonly cidr: string; readonly except?: readonly string[] };

  /**
   * Images, replaced per component.
   *
   * @default DEFAULT_OBSERVABILITY_IMAGES
   */
  readonly images?: Partial<ObservabilityImages>;

  /**
   * Names of the namespaced objects, replaced per component (two setups in one namespace need different
   * names, and different `clusterObjectPrefix`es).
   *
   * @default DEFAULT_OBSERVABILITY_NAMES
   */
  readonly names?: Partial<ObservabilityNames>;

  /**
   * StorageClass of every volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Prometheus: container, data volume, and how long samples are kept (a Prometheus duration).
   *
   * @default - 100m/500m CPU, 512Mi/1Gi memory, 10 GiB, 3 days
   */
  readonly prometheus?: ObservabilityServerSizing & { readonly retentionTime: Duration };

  /**
   * Alertmanager: container and data volume.
   *
   * @default - 25m/100m CPU, 64Mi/128Mi memory, 1 GiB
   */
  readonly alertmanager?: ObservabilityServerSizing;

  /**
   * Grafana: container and data volume.
   *
   * @default - 50m/250m CPU, 128Mi/256Mi memory, 2 GiB
   */
  readonly grafana?: ObservabilityServerSizing;

  /**
   * Loki: container, data volume, and how long log lines are kept (whole days).
   *
   * @default - 50m/250m CPU, 128Mi/512Mi memory, 5 GiB, 3 days
   */
  readonly loki?: ObservabilityServerSizing & { readonly retentionPeriod: Duration };

  /**
   * Jaeger: container and trace storage.
   *
   * @default - 50m/250m CPU, 128Mi/512Mi memory, at most 10000 traces in memory
   */
  readonly jaeger?: { readonly resources: ContainerResourceSpec; readonly storage: JaegerStorage };

  /**
   * Requests and limits of kube-state-metrics.
   *
   * @default - 25m/100m CPU, 64Mi/128Mi memory
   */
  readonly kubeStateMetricsResources?: ContainerResourceSpec;

  /**
   * Service annotations kube-state-metrics exports as `kube_service_annotations` labels.
   *
   * @default - none
   */
  readonly kubeStateMetricsServiceAnnotations?: readonly string[];

  /**
   * Prefix of the cluster-scoped objects (the ClusterRoles and ClusterRoleBindings of Prometheus,
   * kube-state-metrics and Alloy), which must be unique in the cluster.
   *
   * @default - `<namespace>-`, the chart's namespace: two setups in different namespaces never collide
   */
  readonly clusterObjectPrefix?: string;

  /**
   * Requests and limits of the Alloy log shipper, per node.
   *
   * @default - 25m/100m CPU, 64Mi/128Mi memory
   */
  readonly alloyResources?: ContainerResourceSpec;

  /**
   * ResourceQuota of the monitoring namespace.
   *
   * @default - 2/4 CPU, 2Gi/4Gi memory, 20 pods
   */
  readonly namespaceQuota?: NamespaceQuota;

  /**
   * Requests and limits a container without its own gets in the monitoring namespace (LimitRange).
   *
   * @default - 50m/200m CPU, 64Mi/256Mi memory
   */
  readonly containerDefaults?: ContainerResourceSpec;

  /**
   * Secret with Alertmanager's receiver credentials (the configuration's `*_file` fields read them);
   * created outside the manifests.
   *
   * @default - the Secret `alertmanager-receivers` in the chart's namespace
   */
  readonly alertmanagerReceivers?: kplus.ISecret;

  /**
   * Secret with Grafana's admin credentials, keys `admin-user` and `admin-password`; created outside the
   * manifests.
   *
   * @default - the Secret `grafana-admin` in the chart's namespace
   */
  readonly grafanaAdmin?: kplus.ISecret;
}

/** The standalone mode: Prometheus, Alertmanager, Grafana, Loki with Alloy, Jaeger and kube-state-metrics. */
export interface StandaloneObservabilityMode extends StandaloneObservabilityOptions {
  /** Discriminant. */
  readonly kind: 'standalone';
}

/** Options of the operator mode: a kube-prometheus-stack already runs Prometheus, Alertmanager and Grafana. */
export interface OperatorObservabilityOptions {
  /** URL of kube-prometheus-stack's Prometheus, provisioned as Grafana's `prometheus` datasource. */
  readonly prometheusUrl: string;

  /** Labels the operator and Grafana's sidecar select objects by (`release: kube-prometheus-stack`). */
  readonly selector: Record<string, string>;

  /**
   * Service annotations the cluster's kube-state-metrics must export as `kube_service_annotations` labels,
   * for alerts that read them. The operator mode does not run kube-state-metrics, so it cannot pass the flag
   * itself: it records a {@link ClusterRequirements} entry, which the preflight checks before a deploy and
   * which names the kube-prometheus-stack value to set
   * (`kube-state-metrics.metricAnnotationsAllowList: ["services=[<annotations>]"]`).
   *
   * @default - none
   */
  readonly kubeStateMetricsServiceAnnotations?: readonly string[];
}

/** The operator mode: ServiceMonitors/PodMonitors and dashboards as sidecar ConfigMaps for kube-prometheus-stack. */
export interface OperatorObservabilityMode extends OperatorObservabilityOptions {
  /** Discriminant. */
  readonly kind: 'operator';
}

/** How the monitoring runs: a discriminated union built with {@link ObservabilityMode.standalone} or `.operator`. */
export type ObservabilityMode = StandaloneObservabilityMode | OperatorObservabilityMode;

/** Builders of {@link ObservabilityMode}. */
export const ObservabilityMode = {
  /** Render every server ourselves. */
  standalone(options: StandaloneObservabilityOptions): ObservabilityMode {
    return { ...options, kind: 'standalone' };
  },
  /** Render only what a kube-prometheus-stack consumes. */
  operator(options: OperatorObservabilityOptions): ObservabilityMode {
    return { ...options, kind: 'operator' };
  },
};

/** A blue/green app to monitor. */
export interface ObservedApp {
  /** The app: its pods are scraped on its metrics port at its metrics path, and may send traces to Jaeger. */
  readonly app: BlueGreenApp;

  /**
   * Value of the `job` label of its samples (alerts select on it).
   *
   * @default - the app name
   */
  readonly job?: string;

  /**
   * Metric names the app exports, for the check that every alert's metric has a producer.
   *
   * @default - none declared
   */
  readonly metrics?: readonly string[];

  /**
   * Pod labels copied onto its samples besides `app` and the colour label.
   *
   * @default - none
   */
  readonly extraPodLabels?: readonly string[];
}

/** The operator mode's fields; the standalone mode's are checked by the servers it creates. */
const checkMode: Check = (value) => {
  const kind = checkShape({ kind: oneOf(['standalone', 'operator']) })(value);
  if (kind !== undefined) {
    return kind;
  }
  return (value as ObservabilityMode).kind === 'operator'
    ? checkShape({ prometheusUrl: checkString, selector: checkLabels, kubeStateMetricsServiceAnnotations: optional(checkStrings(checkLabelKey)) })(value)
    : checkShape({
      clusterNodesCidr: checkString, clusterObjectPrefix: optional(checkString),
      names: optional(checkShape(Object.fromEntries(Object.keys(DEFAULT_OBSERVABILITY_NAMES).map((k) => [k, optional(checkDnsLabel)])))),
    })(value);
};

const OBSERVABILITY_STACK_RULES: Rules = {
  mode: checkMode,
  partOf: checkLabelName,
  apps: optional(checkArrayOf(checkShape({
    app: checkInstance((v) => v instanceof BlueGreenApp, 'a BlueGreenApp'),
    job: optional(checkString),
    metrics: optional(checkStrings()),
    extraPodLabels: optional(checkStrings()),
  }))),
  targets: optional(checkArrayOf(checkShape({ kind: oneOf(['pods', 'service']), job: checkString }))),
  externalTargets: optional(checkArrayOf(checkShape({ kind: oneOf(['service']), job: checkString }))),
  dashboards: optional(checkArrayOf(checkInstance((v) => v instanceof GrafanaDashboard, 'a GrafanaDashboard'))),
};

/** Props of {@link ObservabilityStack}. */
export interface ObservabilityStackProps {
  /** Standalone or operator. */
  readonly mode: ObservabilityMode;

  /** System name for `app.kubernetes.io/part-of`. */
  readonly partOf: string;

  /**
   * Blue/green apps whose pods are scraped (with their app and colour labels) and may send traces.
   *
   * @default - none
   */
  readonly apps?: readonly ObservedApp[];

  /**
   * Further scrape targets (exporters beside the servers they watch).
   *
   * @default - none
   */
  readonly targets?: readonly ScrapeTarget[];

  /**
   * Service targets among `targets` that nothing else declares a network flow to (a cert-manager installed
   * outside these manifests): standalone mode allows Prometheus to reach their pods.
   *
   * @default - none
   */
  readonly externalTargets?: readonly ServiceScrapeTarget[];

  /**
   * Dashboards provisioned into Grafana.
   *
   * @default - none
   */
  readonly dashboards?: readonly GrafanaDashboard[];
}

/**
 * A complete monitoring setup for the apps it is given, in either mode from one description.
 *
 * Standalone (in a chart whose namespace is `monitoring`): namespace with quota, Prometheus scraping the
 * apps, the extra targets and kube-state-metrics, Alertmanager, Loki with the Alloy log shipper, Jaeger, and
 * Grafana with datasources and the dashboards; the network flows between them (and from the apps to
 * Jaeger) are declared, so the derived NetworkPolicies allow exactly those. Operator: the ServiceMonitors
 * and PodMonitors, and the datasource and dashboards as ConfigMaps for Grafana's sidecar. Alert rules and
 * Alertmanager routing are rendered by `AlertRules` and `AlertmanagerRouting` beside it.
 */
export class ObservabilityStack extends Construct {
  /** Every target of the apps and the extra targets (both modes). */
  public readonly workloadTargets: ScrapeTarget[];

  /** Datasource and dashboard ConfigMaps. */
  public readonly grafanaProvisioning: GrafanaProvisioning;

  /** Standalone mode: Prometheus. */
  public readonly prometheus?: PrometheusServer;

  /** Standalone mode: Alertmanager. */
  public readonly alertmanager?: AlertmanagerServer;

  /** Standalone mode: Grafana. */
  public readonly grafana?: GrafanaServer;

  /** Standalone mode: kube-state-metrics. */
  public readonly kubeStateMetrics?: KubeStateMetrics;

  /** Standalone mode: Loki. */
  public readonly loki?: LokiServer;

  /** Standalone mode: Grafana Alloy shipping pod logs to Loki. */
  public readonly logShipper?: LogShipper;

  /** Standalone mode: Jaeger v2. */
  public readonly jaeger?: JaegerServer;

  /** Operator mode: ServiceMonitors and PodMonitors. */
  public readonly operatorMonitors?: OperatorMonitors;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id);
    checkProps(this, props, OBSERVABILITY_STACK_RULES);
    const mode = props.mode;
    const apps = props.apps ?? [];
    const appTargets = apps.map((observed): PodScrapeTarget => ({
      kind: 'pods',
      job: observed.job ?? observed.app.appName,
      namespace: namespaceOf(observed.app),
      selector: { [LabelKeys.APP]: observed.app.appName },
      // The app's metrics port: a metrics-only port when it has one, so no Service or Ingress routes to it.
      portName: observed.app.metricsPortName,
      path: observed.app.metricsPath,
      podTargetLabels: [LabelKeys.APP, observed.app.colourLabel, ...(observed.extraPodLabels ?? [])],
      ...(observed.metrics === undefined ? {} : { metrics: observed.metrics }),
    }));
    this.workloadTargets = [...appTargets, ...(props.targets ?? [])];
    const dashboards = [...(props.dashboards ?? [])];

    if (mode.kind === 'operator') {
      this.grafanaProvisioning = new GrafanaProvisioning(this, 'GrafanaProvisioning', {
        partOf: props.partOf,
        datasources: [{ name: 'Prometheus', type: 'prometheus', uid: DatasourceUids.PROMETHEUS, url: mode.prometheusUrl, isDefault: true }],
        dashboards,
        sidecarLabels: true,
        extraLabels: mode.selector,
      });
      this.operatorMonitors = new OperatorMonitors(this, 'OperatorMonitors', {
        targets: this.workloadTargets,
        selector: mode.selector,
        partOf: props.partOf,
      });
      const annotations = [...new Set(mode.kubeStateMetricsServiceAnnotations ?? [])].sort();
      if (annotations.length > 0) {
        ClusterRequirements.of(this).add(this, {
          severity: 'error',
          description: `kube-state-metrics exports the Service annotations ${annotations.join(', ')} (kube-prometheus-stack value kube-state-metrics.metricAnnotationsAllowList: ["services=[${annotations.join(',')}]"])`,
          args: ['get', 'deployments', '--all-namespaces', '-l', 'app.kubernetes.io/name=kube-state-metrics', '-o', 'jsonpath={.items[*].spec.template.spec.containers[*].args}'],
          expect: { type: 'contains', values: ['--metric-annotations-allowlist=', ...annotations] },
        });
      }
      return;
    }

    const images = { ...DEFAULT_OBSERVABILITY_IMAGES, ...mode.images };
    const storageClassName = mode.storageClassName;
    const prometheusSizing = mode.prometheus ?? { retentionTime: Duration.days(3), storageSize: Size.gibibytes(10), resources: sized(100, 500, 512, 1024) };
    const alertmanagerSizing = mode.alertmanager ?? { storageSize: Size.gibibytes(1), resources: sized(25, 100, 64, 128) };
    const grafanaSizing = mode.grafana ?? { storageSize: Size.gibibytes(2), resources: sized(50, 250, 128, 256) };
    const lokiSizing = mode.loki ?? { retentionPeriod: Duration.days(3), storageSize: Size.gibibytes(5), resources: sized(50, 250, 128, 512) };
    const jaegerSizing = mode.jaeger ?? { resources: sized(50, 250, 128, 512), storage: { kind: 'memory', maxTraces: 10000 } };
    const namespace = Chart.of(this).namespace ?? MonitoringNames.NAMESPACE;
    const clusterPrefix = mode.clusterObjectPrefix ?? `${namespace}-`;
    const names = { ...DEFAULT_OBSERVABILITY_NAMES, ...mode.names };

    // Pod Security of the monitoring namespace: restricted, with no exception. The one component that
    // usually needs more, the log shipper, reads logs through the API server (Alloy's
    // loki.source.kubernetes) instead of a hostPath mount of /var/log/pods, which both baseline and
    // restricted forbid.
    new AppNamespace(this, 'Namespace', {
      name: namespace,
      partOf: props.partOf,
      podSecurity: 'restricted',
      quota: mode.namespaceQuota ?? { requestsCpu: kplus.Cpu.units(2), limitsCpu: kplus.Cpu.units(4), requestsMemory: Size.gibibytes(2), limitsMemory: Size.gibibytes(4), pods: 20 },
      containerDefaults: mode.containerDefaults ?? sized(50, 200, 64, 256),
    });
    this.kubeStateMetrics = new KubeStateMetrics(this, 'KubeStateMetrics', {
      partOf: props.partOf,
      image: images.kubeStateMetrics,
      resources: mode.kubeStateMetricsResources ?? sized(25, 100, 64, 128),
      serviceAnnotations: [...(mode.kubeStateMetricsServiceAnnotations ?? [])],
      name: names.kubeStateMetrics,
      clusterRoleName: `${clusterPrefix}${names.kubeStateMetrics}`,
    });
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      partOf: props.partOf,
      image: images.prometheus,
      resources: prometheusSizing.resources,
      retentionTime: prometheusSizing.retentionTime,
      storageSize: prometheusSizing.storageSize,
      storageClassName,
      targets: [...this.workloadTargets, this.kubeStateMetrics.target],
      name: names.prometheus,
      configMapName: names.prometheusConfig,
      rulesConfigMapName: names.rules,
      alertmanagerService: names.alertmanager,
      clusterRoleName: `${clusterPrefix}${names.prometheus}`,
    });
    this.alertmanager = new AlertmanagerServer(this, 'Alertmanager', {
      partOf: props.partOf,
      image: images.alertmanager,
      name: names.alertmanager,
      configMapName: names.alertmanagerConfig,
      receiversSecret: mode.alertmanagerReceivers,
      resources: alertmanagerSizing.resources,
      storageSize: alertmanagerSizing.storageSize,
      storageClassName,
    });
    this.loki = new LokiServer(this, 'Loki', {
      partOf: props.partOf,
      image: images.loki,
      name: names.loki,
      resources: lokiSizing.resources,
      storageSize: lokiSizing.storageSize,
      storageClassName,
      retentionPeriod: lokiSizing.retentionPeriod,
    });
    const lokiUrl = `http://${names.loki}.${namespace}.svc:${MonitoringNames.LOKI_PORT}`;
    this.logShipper = new LogShipper(this, 'LogShipper', {
      partOf: props.partOf,
      image: images.alloy,
      resources: mode.alloyResources ?? sized(25, 100, 64, 128),
      lokiPushUrl: `${lokiUrl}/loki/api/v1/push`,
      name: names.alloy,
      clusterRoleName: `${clusterPrefix}${names.alloy}`,
      podLabels: [...new Set([LabelKeys.APP, ...apps.map((a) => a.app.colourLabel)])],
    });
    this.jaeger = new JaegerServer(this, 'Jaeger', {
      partOf: props.partOf,
      image: images.jaeger,
      name: names.jaeger,
      resources: jaegerSizing.resources,
      storage: jaegerSizing.storage,
      storageClassName,
    });
    const datasources: GrafanaDatasource[] = [{
      name: 'Prometheus',
      type: 'prometheus',
      uid: DatasourceUids.PROMETHEUS,
      url: `http://${names.prometheus}.${namespace}.svc:${MonitoringNames.PROMETHEUS_PORT}`,
      isDefault: true,
    }, {
      name: 'Loki',
      type: 'loki',
      uid: DatasourceUids.LOKI,
      url: lokiUrl,
    }, {
      name: 'Jaeger',
      type: 'jaeger',
      uid: DatasourceUids.JAEGER,
      url: `http://${names.jaeger}.${namespace}.svc:${MonitoringNames.JAEGER_QUERY_PORT}`,
    }];
    this.grafanaProvisioning = new GrafanaProvisioning(this, 'GrafanaProvisioning', { partOf: props.partOf, datasources, dashboards, namePrefix: names.grafana });
    const admin = mode.grafanaAdmin ?? kplus.Secret.fromSecretName(this, 'GrafanaAdmin', 'grafana-admin');
    this.grafana = new GrafanaServer(this, 'Grafana', {
      partOf: props.partOf,
      image: images.grafana,
      name: names.grafana,
      resources: grafanaSizing.resources,
      storageSize: grafanaSizing.storageSize,
      storageClassName,
      provisioning: this.grafanaProvisioning,
      adminUser: { secret: admin, key: 'admin-user' },
      adminPassword: { secret: admin, key: 'admin-password' },
    });

    // Who the monitoring pods talk to (NetworkPolicies are derived from these declarations).
    const network = NetworkConnections.of(this);
    const pods = (name: string) => NetworkPeer.pods(namespace, { [LabelKeys.NAME]: name });
    const prometheus = pods(names.prometheus);
    const nodes = NetworkPeer.cidr(mode.clusterNodesCidr);
    const notifications = mode.notificationCidr ?? { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] };
    const internet = NetworkPeer.cidr(notifications.cidr, notifications.except);
    network.allow(this.prometheus, { from: prometheus, to: pods(names.kubeStateMetrics), port: 8080, reason: 'scrape job kube-state-metrics' });
    for (const target of props.externalTargets ?? []) {
      network.allow(this.prometheus, {
        from: prometheus, to: NetworkPeer.pods(target.namespace, target.serviceLabels), port: target.port, reason: `scrape job ${target.job}`,
      });
    }
    network.allow(this.prometheus, { from: prometheus, to: pods(names.alertmanager), port: MonitoringNames.ALERTMANAGER_PORT, reason: 'alerts to Alertmanager' });
    network.allow(this.prometheus, { from: prometheus, to: nodes, port: 10250, reason: 'kubelet and cAdvisor scrapes' });
    network.allow(this.prometheus, { from: prometheus, to: nodes, port: 443, reason: 'Kubernetes API for service discovery' });
    network.allow(this.kubeStateMetrics, { from: pods(names.kubeStateMetrics), to: nodes, port: 443, reason: 'Kubernetes API watches' });
    const grafana = pods(names.grafana);
    network.allow(this.grafana, { from: grafana, to: prometheus, port: MonitoringNames.PROMETHEUS_PORT, reason: 'dashboard queries' });
    const loki = pods(names.loki);
    const jaeger = pods(names.jaeger);
    const alloy = pods(names.alloy);
    network.allow(this.grafana, { from: grafana, to: loki, port: MonitoringNames.LOKI_PORT, reason: 'log queries (Loki datasource)' });
    network.allow(this.grafana, { from: grafana, to: jaeger, port: MonitoringNames.JAEGER_QUERY_PORT, reason: 'trace queries (Jaeger datasource)' });
    network.allow(this.logShipper, { from: alloy, to: loki, port: MonitoringNames.LOKI_PORT, reason: 'log pushes' });
    network.allow(this.logShipper, { from: alloy, to: nodes, port: 443, reason: 'Kubernetes API: pod discovery and pods/log tailing' });
    for (const observed of apps) {
      const appPods = NetworkPeer.pods(namespaceOf(observed.app), { [LabelKeys.APP]: observed.app.appName });
      network.allow(this.jaeger, { from: appPods, to: jaeger, port: MonitoringNames.OTLP_GRPC_PORT, reason: 'OTLP traces over gRPC' });
      network.allow(this.jaeger, { from: appPods, to: jaeger, port: MonitoringNames.OTLP_HTTP_PORT, reason: 'OTLP traces over HTTP' });
    }
    network.allow(this.alertmanager, { from: pods(names.alertmanager), to: internet, port: 443, reason: 'PagerDuty, Slack and the dead man\'s switch' });
    network.allow(this.alertmanager, { from: pods(names.alertmanager), to: internet, port: 587, reason: 'e-mail notifications (SMTP submission)' });
  }
}

function namespaceOf(app: BlueGreenApp): string {
  return Chart.of(app).namespace ?? 'default';
}
