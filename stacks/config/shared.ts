/**
 * Values every environment shares or picks from: network peers, images, sizes, receivers.
 */
import { Duration,Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AlertmanagerReceivers } from '../../lib/alerting/alertmanager-routing';
import { ContainerResourceSpec } from '../../lib/core/container-resources';
import { NAMESPACE_NAME_LABEL,PodPeer } from '../../lib/safety/network-connections';

import { MonitoringImages,MonitoringStackConfig,NetworkConfig,ReleaseState,VerifiedSwitchConfig,WebTierConfig } from './types';

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

export function sized(cpuRequestMillis: number, cpuLimitMillis: number, memoryRequestMi: number, memoryLimitMi: number): ContainerResourceSpec {
  return {
    cpuRequest: Cpu.millis(cpuRequestMillis),
    cpuLimit: Cpu.millis(cpuLimitMillis),
    memoryRequest: Size.mebibytes(memoryRequestMi),
    memoryLimit: Size.mebibytes(memoryLimitMi),
  };
}

/** Dev: small and short-lived (3 days of metrics). */
export const DEV_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '3d', storageSize: Size.gibibytes(10), resources: sized(100, 500, 512, 1024) },
  alertmanager: { storageSize: Size.gibibytes(1), resources: sized(25, 100, 64, 128) },
  grafana: { storageSize: Size.gibibytes(2), resources: sized(50, 250, 128, 256) },
  exporterResources: sized(10, 100, 32, 64),
  kubeStateMetricsResources: sized(25, 100, 64, 128),
  namespaceQuota: { requestsCpu: Cpu.units(2), limitsCpu: Cpu.units(4), requestsMemory: Size.gibibytes(2), limitsMemory: Size.gibibytes(4), pods: 20 },
  loki: { retentionPeriod: Duration.days(3), storageSize: Size.gibibytes(5), resources: sized(50, 250, 128, 512) },
  alloyResources: sized(25, 100, 64, 128),
  // Traces are disposable in dev: bounded memory, lost on restart.
  jaeger: { resources: sized(50, 250, 128, 512), storage: { kind: 'memory', maxTraces: 10000 } },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** Staging runs kube-prometheus-stack: only the exporters are ours; the rest mirrors prod at half size. */
export const STAGING_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '15d', storageSize: Size.gibibytes(50), resources: sized(250, 1000, 1024, 2048) },
  alertmanager: { storageSize: Size.gibibytes(2), resources: sized(50, 200, 64, 256) },
  grafana: { storageSize: Size.gibibytes(5), resources: sized(100, 500, 256, 512) },
  exporterResources: sized(25, 100, 32, 128),
  kubeStateMetricsResources: sized(50, 200, 128, 256),
  namespaceQuota: { requestsCpu: Cpu.units(4), limitsCpu: Cpu.units(8), requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(16), pods: 30 },
  loki: { retentionPeriod: Duration.days(14), storageSize: Size.gibibytes(25), resources: sized(100, 500, 256, 1024) },
  alloyResources: sized(25, 200, 64, 256),
  jaeger: { resources: sized(100, 500, 256, 1024), storage: { kind: 'badger', storageSize: Size.gibibytes(10), spanRetention: Duration.days(3) } },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** Prod: seed 000 (30 d retention, Prometheus 100 Gi, Grafana 10 Gi) and seed 001's Prometheus resources. */
export const PROD_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '30d', storageSize: Size.gibibytes(100), resources: sized(500, 2000, 2048, 4096) },
  alertmanager: { storageSize: Size.gibibytes(2), resources: sized(50, 200, 128, 256) },
  grafana: { storageSize: Size.gibibytes(10), resources: sized(100, 500, 256, 512) },
  exporterResources: sized(25, 200, 64, 128),
  kubeStateMetricsResources: sized(100, 500, 256, 512),
  namespaceQuota: { requestsCpu: Cpu.units(8), limitsCpu: Cpu.units(16), requestsMemory: Size.gibibytes(16), limitsMemory: Size.gibibytes(32), pods: 40 },
  // Seed 000: Loki on 50 Gi.
  loki: { retentionPeriod: Duration.days(30), storageSize: Size.gibibytes(50), resources: sized(250, 1000, 512, 2048) },
  alloyResources: sized(50, 250, 128, 256),
  // Traces must survive a restart in prod: Badger on a volume, a week of spans.
  jaeger: { resources: sized(250, 1000, 512, 2048), storage: { kind: 'badger', storageSize: Size.gibibytes(20), spanRetention: Duration.days(7) } },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** kube-prometheus-stack installed as release `kube-prometheus-stack` picks up objects labelled so. */
export const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

/** Receivers shared by every environment; channels and heartbeats differ. */
export function receivers(environment: string, chatChannel: string): AlertmanagerReceivers {
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


/** The web tier's share of a release. */
export function webRelease(release: ReleaseState): Pick<WebTierConfig, 'liveColour' | 'blueImageTag' | 'greenImageTag'> {
  return { liveColour: release.liveColour, blueImageTag: release.blueImageTag, greenImageTag: release.greenImageTag };
}

/** Where every environment's manifests are committed. */
export const GIT_REPOSITORY = 'https://git.example.com/platform/ecommerce-k8s.git';
/** Seed 000's curl image, pinned. */
export const SMOKE_TEST_IMAGE = 'curlimages/curl:8.9.1';
/** Smoke tests: three requests with curl. */
export const SMOKE_TEST_RESOURCES = sized(10, 100, 16, 64);

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
