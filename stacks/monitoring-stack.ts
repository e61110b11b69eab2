import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertmanagerServer } from '../lib/observability/alertmanager-server';
import { AppNamespace } from '../lib/core/app-namespace';
import { HTTP_PORT_NAME } from '../lib/web/blue-green-app';
import { DatasourceUids } from '../lib/observability/grafana-dashboard';
import { GrafanaDatasource, GrafanaProvisioning } from '../lib/observability/grafana-provisioning';
import { GrafanaServer } from '../lib/observability/grafana-server';
import { JaegerServer } from '../lib/observability/jaeger-server';
import { KubeStateMetrics } from '../lib/observability/kube-state-metrics';
import { LabelKeys } from '../lib/core/labels';
import { LogShipper } from '../lib/observability/log-shipper';
import { LokiServer } from '../lib/observability/loki-server';
import { MetricsExporter } from '../lib/observability/metrics-exporter';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { OperatorMonitors } from '../lib/observability/operator-monitors';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { LARAVEL_COLOUR_LABEL, SloPanelSpec, blueGreenDashboard, laravelQueueListKeys, platformDashboard, sloDashboard } from '../lib/laravel';
import { PrometheusServer } from '../lib/observability/prometheus-server';
import { PodScrapeTarget, ScrapeTarget, certManagerScrapeTarget } from '../lib/observability/scrape-targets';
import { LARAVEL_APP_METRICS } from '../lib/laravel/platform-alerts';
import { EnvironmentConfig } from './config';

/** Props of {@link MonitoringStack} and {@link MonitoringExportersStack}. */
export interface MonitoringStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;
}

/**
 * Exporters of the application's servers (Redis, MySQL), in the application namespace where their
 * credentials live. Both modes: kube-prometheus-stack brings no exporter for our servers.
 */
export class MonitoringExportersStack extends Chart {
  /** redis_exporter, job `redis-exporter`. */
  public readonly redis: MetricsExporter;

  /** mysqld_exporter, job `mysql-exporter`. */
  public readonly mysql: MetricsExporter;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    const stack = config.monitoring.stack;
    this.redis = MetricsExporter.redis(this, 'RedisExporter', {
      partOf: config.partOf,
      image: stack.images.redisExporter,
      resources: stack.exporterResources,
      // The web tier's REDIS_HOST and REDIS_PORT, and the password Secret it reads.
      redisAddress: 'redis://redis:6379',
      password: { secret: kplus.Secret.fromSecretName(this, 'RedisPassword', 'redis-password'), key: 'password' },
      // The workers' queues, the same lists their scaler reads, so dashboards, QueueBacklog and KEDA agree.
      checkSingleKeys: laravelQueueListKeys(config.workers.queues),
    });
    this.mysql = MetricsExporter.mysql(this, 'MysqlExporter', {
      partOf: config.partOf,
      image: stack.images.mysqlExporter,
      resources: stack.exporterResources,
      mysqlAddress: stack.mysqlAddress,
      // Every replica of the data tier (MysqlCluster's `mysql-replica-<n>` Services), probed by the same exporter.
      replicaAddresses: Array.from({ length: config.mysql.replicas }, (_, i) => `mysql-replica-${i + 1}:3306`),
      username: 'exporter',
      password: { secret: kplus.Secret.fromSecretName(this, 'MysqlExporterCredentials', 'mysql-exporter-credentials'), key: 'password' },
    });

    // Prometheus (ours or kube-prometheus-stack's) scrapes the exporters; each exporter reads its server.
    const network = NetworkConnections.of(this);
    const pods = (name: string) => NetworkPeer.pods(config.namespace, { [LabelKeys.NAME]: name });
    const app = (name: string) => NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: name });
    network.allow(this.redis, { from: NetworkPeer.prometheus(), to: pods('redis-exporter'), port: 9121, reason: 'scrape job redis-exporter' });
    network.allow(this.redis, { from: pods('redis-exporter'), to: app('redis'), port: 6379, reason: 'INFO and queue lengths' });
    network.allow(this.mysql, { from: NetworkPeer.prometheus(), to: pods('mysql-exporter'), port: 9104, reason: 'scrape job mysql-exporter' });
    network.allow(this.mysql, { from: pods('mysql-exporter'), to: app('mysql'), port: 3306, reason: 'status and replication metrics' });
  }
}

/**
 * Monitoring of one environment, in namespace `monitoring` (`monitoring.k8s.yaml`).
 *
 * Standalone mode renders the whole stack; operator mode only what kube-prometheus-stack consumes. Both are
 * rendered from the same scrape targets and dashboards.
 */
export class MonitoringStack extends Chart {
  /** Every target of our workloads (both modes). */
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

  constructor(scope: Construct, id: string, props: MonitoringStackProps & {
    readonly exporters: MonitoringExportersStack;
    /** The SLOs the alerting renders recording rules for; the SLO dashboard charts those series. */
    readonly slos: readonly SloPanelSpec[];
  }) {
    const { config } = props;
    super(scope, id, { namespace: MonitoringNames.NAMESPACE, disableResourceNameHashes: true });
    const monitoring = config.monitoring;
    const laravel: PodScrapeTarget = {
      kind: 'pods',
      // Seed 000's job name: its ServiceDown alert selects up{job="laravel-metrics"}.
      job: 'laravel-metrics',
      namespace: config.namespace,
      selector: { [LabelKeys.APP]: config.web.appName },
      portName: HTTP_PORT_NAME,
      path: '/metrics',
      podTargetLabels: [LabelKeys.APP, LARAVEL_COLOUR_LABEL],
      metrics: LARAVEL_APP_METRICS,
    };
    // cert-manager (installed outside this repository) issues the ingress certificate; its metrics feed
    // CertificateExpiringSoon.
    const certManager = certManagerScrapeTarget();
    this.workloadTargets = [laravel, props.exporters.redis.target, props.exporters.mysql.target, certManager];
    const scope_ = { namespace: config.namespace, appName: config.web.appName };
    const dashboards = [platformDashboard(scope_), blueGreenDashboard(scope_), sloDashboard(props.slos)];

    if (monitoring.mode === 'operator') {
      this.grafanaProvisioning = new GrafanaProvisioning(this, 'GrafanaProvisioning', {
        partOf: config.partOf,
        datasources: [{ name: 'Prometheus', type: 'prometheus', uid: DatasourceUids.PROMETHEUS, url: monitoring.stack.operatorPrometheusUrl, isDefault: true }],
        dashboards,
        sidecarLabels: true,
        extraLabels: monitoring.operatorSelector,
      });
      this.operatorMonitors = new OperatorMonitors(this, 'OperatorMonitors', {
        targets: this.workloadTargets,
        selector: monitoring.operatorSelector,
        partOf: config.partOf,
      });
      return;
    }
    const stack = monitoring.stack;

    // Pod Security of `monitoring`: restricted, with no exception. The one component that usually needs more,
    // the log shipper, reads logs through the API server (Alloy's loki.source.kubernetes) instead of a
    // hostPath mount of /var/log/pods, which both baseline and restricted forbid. So every pod here,
    // Alloy included, runs non-root with no host access, and the policy pass checks them all.
    new AppNamespace(this, 'Namespace', {
      name: MonitoringNames.NAMESPACE,
      partOf: config.partOf,
      podSecurity: 'restricted',
      quota: stack.namespaceQuota,
      containerDefaults: config.containerDefaults,
    });
    this.kubeStateMetrics = new KubeStateMetrics(this, 'KubeStateMetrics', {
      partOf: config.partOf,
      image: stack.images.kubeStateMetrics,
      resources: stack.kubeStateMetricsResources,
    });
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      partOf: config.partOf,
      image: stack.images.prometheus,
      resources: stack.prometheus.resources,
      retentionTime: stack.prometheus.retentionTime,
      storageSize: stack.prometheus.storageSize,
      storageClassName: stack.storageClassName,
      targets: [...this.workloadTargets, this.kubeStateMetrics.target],
    });
    this.alertmanager = new AlertmanagerServer(this, 'Alertmanager', {
      partOf: config.partOf,
      image: stack.images.alertmanager,
      resources: stack.alertmanager.resources,
      storageSize: stack.alertmanager.storageSize,
      storageClassName: stack.storageClassName,
    });
    this.loki = new LokiServer(this, 'Loki', {
      partOf: config.partOf,
      image: stack.images.loki,
      resources: stack.loki.resources,
      storageSize: stack.loki.storageSize,
      storageClassName: stack.storageClassName,
      retentionPeriod: stack.loki.retentionPeriod,
    });
    const lokiUrl = `http://${MonitoringNames.LOKI_SERVICE}.${MonitoringNames.NAMESPACE}.svc:${MonitoringNames.LOKI_PORT}`;
    this.logShipper = new LogShipper(this, 'LogShipper', {
      partOf: config.partOf,
      image: stack.images.alloy,
      resources: stack.alloyResources,
      lokiPushUrl: `${lokiUrl}/loki/api/v1/push`,
      podLabels: [LabelKeys.APP, LARAVEL_COLOUR_LABEL],
    });
    this.jaeger = new JaegerServer(this, 'Jaeger', {
      partOf: config.partOf,
      image: stack.images.jaeger,
      resources: stack.jaeger.resources,
      storage: stack.jaeger.storage,
      storageClassName: stack.storageClassName,
    });
    const datasources: GrafanaDatasource[] = [{
      name: 'Prometheus',
      type: 'prometheus',
      uid: DatasourceUids.PROMETHEUS,
      url: `http://${MonitoringNames.PROMETHEUS_SERVICE}.${MonitoringNames.NAMESPACE}.svc:${MonitoringNames.PROMETHEUS_PORT}`,
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
      url: `http://${MonitoringNames.JAEGER_QUERY_SERVICE}.${MonitoringNames.NAMESPACE}.svc:${MonitoringNames.JAEGER_QUERY_PORT}`,
    }];
    this.grafanaProvisioning = new GrafanaProvisioning(this, 'GrafanaProvisioning', { partOf: config.partOf, datasources, dashboards });
    const admin = kplus.Secret.fromSecretName(this, 'GrafanaAdmin', 'grafana-admin');
    this.grafana = new GrafanaServer(this, 'Grafana', {
      partOf: config.partOf,
      image: stack.images.grafana,
      resources: stack.grafana.resources,
      storageSize: stack.grafana.storageSize,
      storageClassName: stack.storageClassName,
      provisioning: this.grafanaProvisioning,
      adminUser: { secret: admin, key: 'admin-user' },
      adminPassword: { secret: admin, key: 'admin-password' },
    });

    // Who the monitoring pods talk to (NetworkPolicies are derived from these declarations).
    const network = NetworkConnections.of(this);
    const ns = MonitoringNames.NAMESPACE;
    const pods = (name: string) => NetworkPeer.pods(ns, { [LabelKeys.NAME]: name });
    const prometheus = pods(MonitoringNames.PROMETHEUS_SERVICE);
    const nodes = NetworkPeer.cidr(config.network.clusterNodesCidr);
    const internet = NetworkPeer.cidr(config.network.externalHttps.cidr, config.network.externalHttps.except);
    network.allow(this.prometheus, { from: prometheus, to: pods('kube-state-metrics'), port: 8080, reason: 'scrape job kube-state-metrics' });
    network.allow(this.prometheus, {
      from: prometheus, to: NetworkPeer.pods(certManager.namespace, certManager.serviceLabels), port: certManager.port, reason: 'scrape job cert-manager',
    });
    network.allow(this.prometheus, { from: prometheus, to: pods(MonitoringNames.ALERTMANAGER_SERVICE), port: MonitoringNames.ALERTMANAGER_PORT, reason: 'alerts to Alertmanager' });
    network.allow(this.prometheus, { from: prometheus, to: nodes, port: 10250, reason: 'kubelet and cAdvisor scrapes' });
    network.allow(this.prometheus, { from: prometheus, to: nodes, port: 443, reason: 'Kubernetes API for service discovery' });
    network.allow(this.kubeStateMetrics, { from: pods('kube-state-metrics'), to: nodes, port: 443, reason: 'Kubernetes API watches' });
    network.allow(this.grafana, { from: pods('grafana'), to: prometheus, port: MonitoringNames.PROMETHEUS_PORT, reason: 'dashboard queries' });
    const loki = pods(MonitoringNames.LOKI_SERVICE);
    const jaeger = pods(MonitoringNames.JAEGER_QUERY_SERVICE);
    const alloy = pods('alloy');
    network.allow(this.grafana, { from: pods('grafana'), to: loki, port: MonitoringNames.LOKI_PORT, reason: 'log queries (Loki datasource)' });
    network.allow(this.grafana, { from: pods('grafana'), to: jaeger, port: MonitoringNames.JAEGER_QUERY_PORT, reason: 'trace queries (Jaeger datasource)' });
    network.allow(this.logShipper, { from: alloy, to: loki, port: MonitoringNames.LOKI_PORT, reason: 'log pushes' });
    network.allow(this.logShipper, { from: alloy, to: nodes, port: 443, reason: 'Kubernetes API: pod discovery and pods/log tailing' });
    const laravelPods = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: config.web.appName });
    network.allow(this.jaeger, { from: laravelPods, to: jaeger, port: MonitoringNames.OTLP_GRPC_PORT, reason: 'OTLP traces over gRPC' });
    network.allow(this.jaeger, { from: laravelPods, to: jaeger, port: MonitoringNames.OTLP_HTTP_PORT, reason: 'OTLP traces over HTTP' });
    network.allow(this.alertmanager, { from: pods(MonitoringNames.ALERTMANAGER_SERVICE), to: internet, port: 443, reason: 'PagerDuty, Slack and the dead man\'s switch' });
    network.allow(this.alertmanager, { from: pods(MonitoringNames.ALERTMANAGER_SERVICE), to: internet, port: 587, reason: 'e-mail notifications (SMTP submission)' });
  }
}
