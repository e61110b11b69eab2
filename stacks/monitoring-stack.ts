import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { deliveryAnnotations } from '../lib/delivery/verified-switch';
import { PLATFORM_DELIVERY_ANNOTATION_PREFIX } from '../lib/laravel/laravel-defaults';
import { ROLLOUTS_HASH_POD_LABEL } from '../lib/delivery/canary-options';
import { LabelKeys } from '../lib/core/labels';
import { MetricsExporter } from '../lib/observability/metrics-exporter';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { ObservabilityMode, ObservabilityStack } from '../lib/observability/observability-stack';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { LARAVEL_APP_METRICS, LARAVEL_METRICS_JOB, SloPanelSpec, blueGreenDashboard, laravelQueueListKeys, platformDashboard, sloDashboard } from '../lib/laravel';
import { certManagerScrapeTarget } from '../lib/observability/scrape-targets';
import { EnvironmentConfig } from './config';

/** Delivery annotations of the platform's live Services. */
const PLATFORM_DELIVERY_ANNOTATIONS = deliveryAnnotations(PLATFORM_DELIVERY_ANNOTATION_PREFIX);

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
 * Monitoring of one environment, in namespace `monitoring` (`monitoring.k8s.yaml`): the ObservabilityStack
 * for the web app, the exporters and cert-manager, in the environment's mode, with the platform's dashboards.
 */
export class MonitoringStack extends Chart {
  /** The monitoring setup. */
  public readonly observability: ObservabilityStack;

  constructor(scope: Construct, id: string, props: MonitoringStackProps & {
    readonly exporters: MonitoringExportersStack;
    /** The web app whose pods are scraped and send traces. */
    readonly app: BlueGreenApp;
    /** The SLOs the alerting renders recording rules for; the SLO dashboard charts those series. */
    readonly slos: readonly SloPanelSpec[];
  }) {
    const { config } = props;
    super(scope, id, { namespace: MonitoringNames.NAMESPACE, disableResourceNameHashes: true });
    const monitoring = config.monitoring;
    const dashboardScope = { namespace: config.namespace, appName: config.web.appName };
    // cert-manager (installed outside this repository) issues the ingress certificate; its metrics feed
    // CertificateExpiringSoon.
    const certManager = certManagerScrapeTarget();
    // ReleaseRolledBack reads the verification hook's rollback record on the live Service.
    const rollbackRecord = config.delivery?.verifiedSwitch === undefined ? [] : [PLATFORM_DELIVERY_ANNOTATIONS.ROLLED_BACK, PLATFORM_DELIVERY_ANNOTATIONS.ROLLBACK_REASON];
    this.observability = new ObservabilityStack(this, 'Observability', {
      partOf: config.partOf,
      mode: monitoring.mode === 'operator'
        ? ObservabilityMode.operator({
          prometheusUrl: monitoring.stack.operatorPrometheusUrl,
          selector: monitoring.operatorSelector,
          kubeStateMetricsServiceAnnotations: rollbackRecord,
        })
        : ObservabilityMode.standalone({
          clusterNodesCidr: config.network.clusterNodesCidr,
          notificationCidr: config.network.externalHttps,
          images: monitoring.stack.images,
          storageClassName: monitoring.stack.storageClassName,
          prometheus: monitoring.stack.prometheus,
          alertmanager: monitoring.stack.alertmanager,
          grafana: monitoring.stack.grafana,
          loki: monitoring.stack.loki,
          jaeger: monitoring.stack.jaeger,
          kubeStateMetricsResources: monitoring.stack.kubeStateMetricsResources,
          kubeStateMetricsServiceAnnotations: rollbackRecord,
          alloyResources: monitoring.stack.alloyResources,
          namespaceQuota: monitoring.stack.namespaceQuota,
          containerDefaults: config.containerDefaults,
          // The platform's Prometheus owns the unprefixed names.
          clusterObjectPrefix: '',
        }),
      apps: [{
        app: props.app,
        job: LARAVEL_METRICS_JOB,
        metrics: LARAVEL_APP_METRICS,
        // A canary's pods carry the web tier's `app` label; their pod template hash tells canary from stable.
        extraPodLabels: config.delivery?.canary === undefined ? [] : [ROLLOUTS_HASH_POD_LABEL],
      }],
      targets: [props.exporters.redis.target, props.exporters.mysql.target, certManager],
      externalTargets: [certManager],
      dashboards: [platformDashboard(dashboardScope), blueGreenDashboard(dashboardScope), sloDashboard(props.slos)],
    });
  }
}
