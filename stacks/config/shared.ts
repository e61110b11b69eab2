/**
 * Values every environment shares or picks from: network peers, images, sizes, receivers.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ContainerResourceSpec } from '../../lib/core/container-resources';
import { NAMESPACE_NAME_LABEL, PodPeer } from '../../lib/safety/network-connections';
import { HotfixRelease } from '../../lib/web/blue-green-app';

import { EnvironmentConfig, MonitoringImages, NetworkConfig, OperatorMonitoringStack, ReleaseState, StandaloneMonitoringStack, VerifiedSwitchConfig, WebTierConfig } from './types';

/** The ingress-nginx controller's namespace, labelled by the API server with its name. */
export const INGRESS_NGINX: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'ingress-nginx' }, podLabels: {} };
/** Our own Prometheus (standalone monitoring): Deployment `prometheus-server`. */
export const PROMETHEUS_SERVER: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus-server' } };
/** kube-prometheus-stack's Prometheus (operator monitoring) labels its pods `app.kubernetes.io/name: prometheus`. */
export const OPERATOR_PROMETHEUS: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
/** KEDA's operator (Helm chart `kedacore/keda`, namespace `keda`): it polls the scalers' sources itself. */
export const KEDA_OPERATOR: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'keda' }, podLabels: { app: 'keda-operator' } };
/**
 * The internet minus private ranges (RFC 1918) and link-local (the cloud metadata endpoint): pods reach
 * Stripe and S3 but not other services of the VPC or the node's credentials.
 */
export const PUBLIC_INTERNET = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] };
/** The VPC the nodes and the Kubernetes API endpoints live in (kubelet 10250, API server 443). */
export const CLUSTER_NODES = '10.0.0.0/16';
export const NETWORK: NetworkConfig = { ingressController: INGRESS_NGINX, prometheus: PROMETHEUS_SERVER, kedaOperator: KEDA_OPERATOR, externalHttps: PUBLIC_INTERNET, clusterNodesCidr: CLUSTER_NODES };
export const OPERATOR_NETWORK: NetworkConfig = { ...NETWORK, prometheus: OPERATOR_PROMETHEUS };

export const IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce';
/** Backup job containers of the smaller environments. */
export const BACKUP_SMALL: ContainerResourceSpec = {
  cpuRequest: Cpu.millis(100),
  cpuLimit: Cpu.millis(500),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(256),
};
/** The verification container runs a MySQL server (128 MiB buffer pool by default) next to the restore. */
/** LimitRange defaults of the namespaces in staging and prod: what a container without its own resources gets. */
export const PRODUCTION_LIKE_CONTAINER_DEFAULTS: ContainerResourceSpec = {
  cpuRequest: Cpu.millis(100),
  cpuLimit: Cpu.millis(500),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(512),
};
export const VERIFY_SMALL: ContainerResourceSpec = {
  cpuRequest: Cpu.millis(250),
  cpuLimit: Cpu.units(1),
  memoryRequest: Size.mebibytes(768),
  memoryLimit: Size.gibibytes(1),
};
export const RUNBOOKS = 'https://runbooks.shop.example.com';
export const WORKER_IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce-worker';
/** Seed 001's queue order: high priority first. */
export const WORKER_QUEUES = ['high', 'default', 'low'];
/** Seed images, each pinned to its tag. */
export const MONITORING_IMAGES: MonitoringImages = {
  prometheus: 'prom/prometheus:v2.53.2',
  alertmanager: 'prom/alertmanager:v0.27.0',
  grafana: 'grafana/grafana:11.2.0',
  redisExporter: 'oliver006/redis_exporter:v1.62.0',
  mysqlExporter: 'prom/mysqld-exporter:v0.15.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
  loki: 'grafana/loki:3.1.1',
  alloy: 'grafana/alloy:v1.4.2',
  jaeger: 'jaegertracing/jaeger:2.0.0',
};

/** The app's namespace and system name: the same in every environment (the seed's scripts use `ecommerce`). */
export const APP_IDENTITY = { namespace: 'ecommerce', partOf: 'ecommerce' } as const;

/** What every monitoring stack shares: pinned images and the MySQL primary the exporter reads. */
const MONITORING_EXPORTERS = { images: MONITORING_IMAGES, mysqlAddress: 'mysql-primary:3306' } as const;

/** Dev: small and short-lived (3 days of metrics). */
export const DEV_MONITORING: StandaloneMonitoringStack = {
  ...MONITORING_EXPORTERS,
  prometheus: { retentionTime: Duration.days(3), storageSize: Size.gibibytes(10), resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(1024) } },
  alertmanager: { storageSize: Size.gibibytes(1), resources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(128) } },
  grafana: { storageSize: Size.gibibytes(2), resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) } },
  exporterResources: { cpuRequest: Cpu.millis(10), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(32), memoryLimit: Size.mebibytes(64) },
  kubeStateMetricsResources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(128) },
  namespaceQuota: { requestsCpu: Cpu.units(2), limitsCpu: Cpu.units(4), requestsMemory: Size.gibibytes(2), limitsMemory: Size.gibibytes(4), pods: 20 },
  loki: { retentionPeriod: Duration.days(3), storageSize: Size.gibibytes(5), resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(512) } },
  alloyResources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(128) },
  // Traces are disposable in dev: bounded memory, lost on restart.
  jaeger: { resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(512) }, storage: { kind: 'memory', maxTraces: 10000 } },
};

/** Staging runs kube-prometheus-stack: only the exporters and the Grafana datasource are ours. */
export const STAGING_MONITORING: OperatorMonitoringStack = {
  ...MONITORING_EXPORTERS,
  exporterResources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(32), memoryLimit: Size.mebibytes(128) },
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** Prod: seed 000 (30 d retention, Prometheus 100 Gi, Grafana 10 Gi) and seed 001's Prometheus resources. */
export const PROD_MONITORING: StandaloneMonitoringStack = {
  ...MONITORING_EXPORTERS,
  prometheus: { retentionTime: Duration.days(30), storageSize: Size.gibibytes(100), resources: { cpuRequest: Cpu.millis(500), cpuLimit: Cpu.millis(2000), memoryRequest: Size.mebibytes(2048), memoryLimit: Size.mebibytes(4096) } },
  alertmanager: { storageSize: Size.gibibytes(2), resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(200), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) } },
  grafana: { storageSize: Size.gibibytes(10), resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) } },
  exporterResources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(200), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(128) },
  kubeStateMetricsResources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
  namespaceQuota: { requestsCpu: Cpu.units(8), limitsCpu: Cpu.units(16), requestsMemory: Size.gibibytes(16), limitsMemory: Size.gibibytes(32), pods: 40 },
  // Seed 000: Loki on 50 Gi.
  loki: { retentionPeriod: Duration.days(30), storageSize: Size.gibibytes(50), resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.millis(1000), memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(2048) } },
  alloyResources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) },
  // Traces must survive a restart in prod: Badger on a volume, a week of spans.
  jaeger: { resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.millis(1000), memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(2048) }, storage: { kind: 'badger', storageSize: Size.gibibytes(20), spanRetention: Duration.days(7) } },
};

/** kube-prometheus-stack installed as release `kube-prometheus-stack` picks up objects labelled so. */
export const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

/** Receivers shared by every environment; channels and heartbeats differ. */
export function receivers(environment: string, chatChannel: string): EnvironmentConfig['alerting']['receivers'] {
  return {
    pagerReceiver: 'team-pagerduty',
    chatReceiver: 'team-slack',
    chatChannel,
    emailReceiver: 'team-email',
    emailTo: `alerts-${environment}@shop.example.com`,
    emailFrom: `alertmanager-${environment}@shop.example.com`,
    smtpSmarthost: 'smtp.shop.example.com:587',
    smtpUsername: 'alertmanager',
    deadMansSwitchReceiver: 'deadmans-switch',
    // Opsgenie heartbeat: the URL names the heartbeat, the API key (a credential file) authenticates it.
    deadMansSwitchUrl: `https://api.opsgenie.com/v2/heartbeats/ecommerce-${environment}-alertmanager/ping`,
    deadMansSwitchAuthorizationType: 'GenieKey',
  };
}


/** The web tier's share of a release, with the environment's emergency hotfix if one is declared. */
export function webRelease(release: ReleaseState, hotfix?: HotfixRelease): Pick<WebTierConfig, 'liveColour' | 'blueImageTag' | 'greenImageTag' | 'hotfix'> {
  const tags = { liveColour: release.liveColour, blueImageTag: release.blueImageTag, greenImageTag: release.greenImageTag };
  return hotfix === undefined ? tags : { ...tags, hotfix };
}

/** Where every environment's manifests are committed. */
export const GIT_REPOSITORY = 'https://git.example.com/platform/ecommerce-k8s.git';
/** Seed 000's curl image, pinned. */
export const SMOKE_TEST_IMAGE = 'curlimages/curl:8.9.1';
/** Smoke tests: three requests with curl. */
export const SMOKE_TEST_RESOURCES = { cpuRequest: Cpu.millis(10), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(16), memoryLimit: Size.mebibytes(64) };

/**
 * The verified switch's defaults: seed 004's 15 minutes of stability, seed 003's baselines (error rate below
 * 0.1 %, responses within 200 ms, read as the latency SLO's 95th percentile), a check every 30 s, and the
 * smoke tests' curl image.
 */
export const VERIFIED_SWITCH: VerifiedSwitchConfig = {
  bakeTime: Duration.minutes(15),
  checkInterval: Duration.seconds(30),
  errorRatioMax: 0.001,
  latencyP95Max: Duration.millis(200),
  image: SMOKE_TEST_IMAGE,
  resources: SMOKE_TEST_RESOURCES,
};

/**
 * Egress addresses of the company VPN, the only clients dev and staging accept (seed 004: "VPN required").
 * 203.0.113.0/24 is a documentation range: replace it with the VPN's real egress blocks.
 */
export const VPN_EGRESS: readonly string[] = ['203.0.113.0/24'];
