/**
 * Everything that differs between dev, staging and prod, in one typed file.
 *
 * Stacks read these values and pass them to constructs as props; nothing else in the repository branches
 * on an environment's name. Seed 004's environment matrix is the starting point (replicas, resources, log
 * level, debug mode); seed 000 gives production's sizes, probes, images and HPA.
 */
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BlueGreenAutoscaling, COLOURS, Colour } from '../lib/blue-green-app';
import { ContainerResourceSpec, checkResources, memoryQuantity, memoryToKibibytes } from '../lib/container-resources';
import { DATABASE_ENGINES, DatabaseEngine } from '../lib/backup-cron-job';
import { checkCronSchedule } from '../lib/internal/cron';
import { NamespaceQuota } from '../lib/app-namespace';
import { IssuerKind } from '../lib/tls-ingress';
import { JaegerStorage } from '../lib/jaeger-server';
import { QueueWorkerScaling } from '../lib/queue-worker';
import { MYSQL_ENGINES, MysqlEngine } from '../lib/mysql-cluster';
import { NAMESPACE_NAME_LABEL, PodPeer } from '../lib/network-connections';
import { POLICY_RULE_IDS, PolicyRuleId } from '../lib/policy';
import { AlertmanagerReceivers } from '../lib/alertmanager-routing';
import { PLATFORM_ALERT_NAMES, PlatformAlertThresholds, SEED_ALERT_THRESHOLDS } from '../lib/platform-alerts';
import { ValidationError } from '../lib/internal/errors';
import { checkCidr, checkDnsLabel, checkHostName, checkLabelKey, checkLabelValue, checkImageTag, checkInteger, checkNonEmpty, checkOneOf, checkReplicaBounds } from '../lib/internal/checks';
import { checkPinnedImage } from '../lib/internal/monitoring-server';

/** The environments this repository deploys. */
export type EnvironmentName = 'dev' | 'staging' | 'prod';

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['dev', 'staging', 'prod'];

/** Laravel (Monolog) log levels used here. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** The web tier: the Laravel app deployed blue/green. */
export interface WebTierConfig {
  /** App name: prefix of its objects (`laravel-blue`, `laravel-service`). */
  readonly appName: string;

  /** Image repository, without tag. */
  readonly imageRepository: string;

  /** Tag the blue Deployment runs. */
  readonly blueImageTag: string;

  /** Tag the green Deployment runs. */
  readonly greenImageTag: string;

  /** Colour the live Service selects. Switch it to promote the idle colour (see README). */
  readonly liveColour: Colour;

  /** Size of the idle colour; raise it to the live minimum before switching. */
  readonly idleReplicas: number;

  /** Fixed size of the live colour (environments without autoscaling). */
  readonly replicas?: number;

  /** Autoscaling bounds and targets of the live colour. */
  readonly autoscaling?: BlueGreenAutoscaling;

  /** Requests and limits of the app container. */
  readonly resources: ContainerResourceSpec;

  /** Laravel `APP_ENV`. */
  readonly appEnv: string;

  /** Laravel `APP_DEBUG`: stack traces in responses, so never on where real users are. */
  readonly appDebug: boolean;

  /** Laravel `LOG_LEVEL`. */
  readonly logLevel: LogLevel;

  /** Public host name of the shop. */
  readonly host: string;
}

/** How an environment is monitored. */
export type MonitoringMode = 'standalone' | 'operator';

const MONITORING_MODES: readonly MonitoringMode[] = ['standalone', 'operator'];

/** Monitoring of one environment. */
export interface MonitoringConfig {
  /**
   * `standalone`: this repository deploys Prometheus, Alertmanager, Grafana, Loki and tracing itself.
   * `operator`: the cluster runs kube-prometheus-stack; only what it consumes is rendered.
   */
  readonly mode: MonitoringMode;

  /**
   * Labels kube-prometheus-stack selects rules, monitors and dashboards by (operator mode); every such
   * object carries them.
   */
  readonly operatorSelector: Readonly<Record<string, string>>;

  /** Base URL of the runbooks that alerts link to. */
  readonly runbookBaseUrl: string;

  /** Sizes, retention, storage and images of the monitoring components. */
  readonly stack: MonitoringStackConfig;
}

/** Pinned images of the monitoring components. */
export interface MonitoringImages {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly grafana: string;
  readonly redisExporter: string;
  readonly mysqlExporter: string;
  readonly kubeStateMetrics: string;
  readonly loki: string;
  readonly alloy: string;
  readonly jaeger: string;
}

/** A server with a data volume. */
export interface MonitoringServerSizing {
  /** Size of its PersistentVolumeClaim. */
  readonly storageSize: Size;
  /** Requests and limits of its container. */
  readonly resources: ContainerResourceSpec;
}

/**
 * What the monitoring stack runs with. In operator mode only the exporters, the Grafana datasource URL and
 * the images of the exporters are used; the rest describes the standalone stack.
 */
export interface MonitoringStackConfig {
  readonly images: MonitoringImages;
  /** StorageClass of every monitoring volume; the cluster default when absent. */
  readonly storageClassName?: string;
  /** Prometheus: data volume, container, and how long samples are kept (a Prometheus duration). */
  readonly prometheus: MonitoringServerSizing & { readonly retentionTime: string };
  readonly alertmanager: MonitoringServerSizing;
  readonly grafana: MonitoringServerSizing;
  /** Requests and limits of each exporter (redis, mysql) and of kube-state-metrics. */
  readonly exporterResources: ContainerResourceSpec;
  readonly kubeStateMetricsResources: ContainerResourceSpec;
  /** ResourceQuota of namespace `monitoring` (standalone mode). */
  readonly namespaceQuota: NamespaceQuota;
  /** MySQL `host:port` the mysql exporter connects to (seed 001's primary Service). */
  readonly mysqlAddress: string;
  /** Loki: data volume, container, and how long log lines are kept (whole days; enforced by the compactor). */
  readonly loki: MonitoringServerSizing & { readonly retentionPeriod: Duration };
  /** Requests and limits of the Alloy log shipper, per node. */
  readonly alloyResources: ContainerResourceSpec;
  /** Jaeger: container and trace storage (bounded memory where losing traces on restart is fine, else Badger). */
  readonly jaeger: { readonly resources: ContainerResourceSpec; readonly storage: JaegerStorage };
  /** URL of kube-prometheus-stack's Prometheus, provisioned as the `prometheus` datasource (operator mode). */
  readonly operatorPrometheusUrl: string;
}

/** Queue workers (`laravel-worker`, seeds 000 and 001). */
export interface WorkersConfig {
  /** Worker image repository, without tag (seed 000's image list). */
  readonly imageRepository: string;

  /** Worker image tag. */
  readonly imageTag: string;

  /** Queues drained, highest priority first. */
  readonly queues: string[];

  /** Longest a job may run (`--timeout`); the pod's grace period is sized from it. */
  readonly jobTimeoutSeconds: number;

  /** Requests and limits of a worker. */
  readonly resources: ContainerResourceSpec;

  /** Fixed worker count (environments without autoscaling). */
  readonly replicas?: number;

  /** Autoscaling on the queue length (seed 000) or on CPU and memory (seed 001). */
  readonly autoscaling?: QueueWorkerScaling;
}

/** The Laravel scheduler (one instance). */
export interface SchedulerConfig {
  /** Requests and limits of the scheduler container (it runs the worker image). */
  readonly resources: ContainerResourceSpec;
}

/** MySQL primary and read replicas (seed 001). */
export interface MysqlConfig {
  /** `mysql` (MySQL 8, the seed's image) or `mariadb`. */
  readonly engine: MysqlEngine;

  /** Number of read replicas (`mysql-replica-1`...); 0 for none. */
  readonly replicas: number;

  /** Volume size of each server. */
  readonly storage: Size;

  /** StorageClass of the volumes. */
  readonly storageClassName: string;

  /** Requests and limits of each server. */
  readonly resources: ContainerResourceSpec;

  /** InnoDB buffer pool of the primary. */
  readonly primaryBufferPool: Size;

  /** InnoDB buffer pool of each replica. */
  readonly replicaBufferPool: Size;

  /** Connections the primary accepts. */
  readonly primaryMaxConnections: number;

  /** Connections each replica accepts. */
  readonly replicaMaxConnections: number;
}

/** Redis (cache, sessions and queues). */
export interface RedisConfig {
  /** Volume size of the append-only file and snapshots. */
  readonly storage: Size;

  /** StorageClass of the volume. */
  readonly storageClassName: string;

  /** Requests and limits of the Redis container. */
  readonly resources: ContainerResourceSpec;

  /** `maxmemory`: below the memory limit, leaving room for copy-on-write during snapshots. */
  readonly maxMemory: Size;

  /** `maxmemory-policy`; `noeviction` keeps queued jobs from being evicted. */
  readonly maxMemoryPolicy: 'noeviction' | 'allkeys-lru' | 'volatile-lru' | 'allkeys-lfu' | 'volatile-lfu' | 'volatile-ttl';
}

/** The cluster autoscaler (cluster add-on, seed 000). */
export interface ClusterAutoscalerConfig {
  /** Cloud provider flag (`aws`). */
  readonly cloudProvider: string;

  /** Node-group auto-discovery flag value (`asg:tag=k8s.io/cluster-autoscaler/enabled,...`). */
  readonly nodeGroupAutoDiscovery: string;

  /** Requests and limits of the autoscaler. */
  readonly resources: ContainerResourceSpec;
}

/** The synth-time policy pass (README "Policy checks"). */
export interface PolicyConfig {
  /**
   * Rules whose findings are printed as warnings instead of failing synth. Allowed only where images are
   * not pinned (dev): staging and prod fail on every finding.
   */
  readonly warnings: readonly PolicyRuleId[];
}

/** Where the peers of the derived NetworkPolicies run (README "Network policies"). */
export interface NetworkConfig {
  /** The ingress controller: labels of its namespace and, optionally, of its pods. */
  readonly ingressController: PodPeer;

  /** Prometheus, which scrapes every metrics port. */
  readonly prometheus: PodPeer;

  /** Addresses of HTTPS APIs outside the cluster (Stripe, S3), minus the blocks pods must not reach. */
  readonly externalHttps: { readonly cidr: string; readonly except: readonly string[] };

  /** Addresses of the nodes and the Kubernetes API endpoints, which monitoring reaches (kubelet, API server). */
  readonly clusterNodesCidr: string;
}

/** Database backups, their restore verification and the restore template (`backup.k8s.yaml`). */
export interface BackupConfig {
  /** Whether the environment renders the Backup chart at all. */
  readonly enabled: boolean;

  /** Database engine. */
  readonly engine: DatabaseEngine;

  /** When backups run; the BackupTooOld threshold is twice its longest gap. */
  readonly schedule: Cron;

  /** When the newest backup is restored into a scratch database to prove it restores. */
  readonly verificationSchedule: Cron;

  /** IANA time zone of both schedules. */
  readonly timeZone: string;

  /** Database to back up. */
  readonly databaseName: string;

  /** S3 bucket of the backups. */
  readonly bucket: string;

  /** Region of the bucket. */
  readonly region: string;

  /** Endpoint of an S3-compatible store; absent for AWS S3. */
  readonly endpoint?: string;

  /** Days a backup is kept. */
  readonly retentionDays: number;

  /** Allowed row count difference between a backup's manifest and its restore, percent. */
  readonly rowCountTolerancePercent: number;

  /** Requests and limits of the dump, upload, fetch and restore containers. */
  readonly resources: ContainerResourceSpec;

  /** Requests and limits of the verification container (runs a scratch database server). */
  readonly verificationResources: ContainerResourceSpec;

  /** Size limit of the dump's emptyDir. */
  readonly workspaceSize: Size;

  /** Size limit of the scratch database's emptyDir. */
  readonly scratchSize: Size;
}

/** Alerting of one environment: thresholds, which alerts are on, and where notifications go. */
export interface AlertingConfig {
  /** Thresholds of the seed alerts. */
  readonly thresholds: PlatformAlertThresholds;

  /** Seed alerts switched off (names from PLATFORM_ALERT_NAMES). */
  readonly disabledAlerts: readonly string[];

  /** Request rate per second above which a blue/green colour counts as serving (both serving = misrouted). */
  readonly colourTrafficRequestsPerSecond: number;

  /** Alertmanager receivers; credentials live in the Secret `alertmanager-receivers`, never here. */
  readonly receivers: AlertmanagerReceivers;
}

/**
 * Where Argo CD finds an environment's manifests and how it syncs them (`dist/argocd/`, README "GitOps").
 */
export interface GitOpsConfig {
  /** Git repository holding the committed `dist/` (Argo CD `spec.source.repoURL`). */
  readonly repoUrl: string;

  /** Branch, tag or commit Argo CD deploys (`spec.source.targetRevision`). */
  readonly targetRevision: string;

  /** Folder of this environment's manifests in the repository: always `dist/<name>`. */
  readonly path: string;

  /**
   * Automated sync with prune and self-heal. Off means a person presses Sync after reviewing the diff:
   * seed 004's manual approval gate before production.
   */
  readonly automatedSync: boolean;

  /**
   * Name of the cluster: Argo CD's destination (`spec.destination.name`) and the kubectl context the
   * preflight script expects (seed 000 checks `production-cluster`).
   */
  readonly cluster: string;
}

/** The deploy hook Jobs of the web tier: migration, cache warm-up and smoke tests (README "Deploy hooks"). */
export interface DeployHooksConfig {
  /** Requests and limits of the migration and cache warm-up Jobs (they run the app image). */
  readonly resources: ContainerResourceSpec;

  /** Requests and limits of the smoke test Job. */
  readonly smokeTestResources: ContainerResourceSpec;

  /** Pinned image with `curl` that runs the smoke tests (the seed uses curlimages/curl). */
  readonly smokeTestImage: string;
}

/** Chaos experiments (Chaos Mesh); absent where none run. */
export interface ChaosConfig {
  /** How long the seed's pod-failure experiment keeps one web pod failed, in seconds. */
  readonly podFailureDurationSeconds: number;
}

/**
 * What a release changes: the live colour and the images. `npm run promote` / `npm run rollback` rewrite it
 * (README "Promote and roll back"); each environment's entry stays on one line between the markers.
 */
export interface ReleaseState {
  /** Colour the live Service selects. */
  readonly liveColour: Colour;

  /** Tag the blue Deployment runs. */
  readonly blueImageTag: string;

  /** Tag the green Deployment runs. */
  readonly greenImageTag: string;

  /** Tag the queue workers and scheduler run; it follows the live colour's tag at a promote or rollback. */
  readonly workersImageTag: string;
}

/** One environment's complete configuration. */
export interface EnvironmentConfig {
  /** Environment name; also the root of every construct path (`prod/Web/Laravel`). */
  readonly name: EnvironmentName;

  /** Namespace of the application (the seed's scripts use `ecommerce`). */
  readonly namespace: string;

  /** System name for `app.kubernetes.io/part-of`. */
  readonly partOf: string;

  /** Whether every image must be a semantic version or digest (no moving tags). */
  readonly requirePinnedImages: boolean;

  /** cert-manager issuer of the TLS certificate. */
  readonly tlsIssuer: { readonly name: string; readonly kind: IssuerKind };

  /** IngressClass of the public Ingress. */
  readonly ingressClassName: string;

  /** ResourceQuota of the application namespace. */
  readonly quota: NamespaceQuota;

  /** LimitRange defaults for containers that state no resources. */
  readonly containerDefaults: ContainerResourceSpec;

  /** The web tier. */
  readonly web: WebTierConfig;

  /** Monitoring and alerting. */
  readonly monitoring: MonitoringConfig;

  /** Queue workers. */
  readonly workers: WorkersConfig;

  /** The Laravel scheduler. */
  readonly scheduler: SchedulerConfig;

  /** MySQL primary and replicas. */
  readonly mysql: MysqlConfig;

  /** Redis. */
  readonly redis: RedisConfig;

  /** Cluster autoscaler add-on; absent where the cluster is not ours to scale. */
  readonly clusterAutoscaler?: ClusterAutoscalerConfig;
  /** Severity of the policy rules. */
  readonly policy: PolicyConfig;

  /** Peers of the NetworkPolicies. */
  readonly network: NetworkConfig;
  /** Database backups. */
  readonly backup: BackupConfig;
  /** Alert thresholds and routing. */
  readonly alerting: AlertingConfig;

  /** Argo CD delivery. */
  readonly gitops: GitOpsConfig;

  /** Deploy hook Jobs of the web tier. */
  readonly deployHooks: DeployHooksConfig;

  /** Chaos experiments; absent where none run (only staging runs them). */
  readonly chaos?: ChaosConfig;
}

/** The ingress-nginx controller's namespace, labelled by the API server with its name. */
const INGRESS_NGINX: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'ingress-nginx' }, podLabels: {} };
/** Our own Prometheus (standalone monitoring): Deployment `prometheus-server`. */
const PROMETHEUS_SERVER: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus-server' } };
/** kube-prometheus-stack's Prometheus (operator monitoring) labels its pods `app.kubernetes.io/name: prometheus`. */
const OPERATOR_PROMETHEUS: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
/**
 * The internet minus private ranges (RFC 1918) and link-local (the cloud metadata endpoint): pods reach
 * Stripe and S3 but not other services of the VPC or the node's credentials.
 */
const PUBLIC_INTERNET = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] };
/** The VPC the nodes and the Kubernetes API endpoints live in (kubelet 10250, API server 443). */
const CLUSTER_NODES = '10.0.0.0/16';
const NETWORK: NetworkConfig = { ingressController: INGRESS_NGINX, prometheus: PROMETHEUS_SERVER, externalHttps: PUBLIC_INTERNET, clusterNodesCidr: CLUSTER_NODES };
const OPERATOR_NETWORK: NetworkConfig = { ...NETWORK, prometheus: OPERATOR_PROMETHEUS };

const IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce';
/** Backup job containers of the smaller environments. */
const BACKUP_SMALL: ContainerResourceSpec = {
  cpuRequest: Cpu.millis(100),
  cpuLimit: Cpu.millis(500),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(256),
};
/** The verification container runs a MySQL server (128 MiB buffer pool by default) next to the restore. */
const VERIFY_SMALL: ContainerResourceSpec = {
  cpuRequest: Cpu.millis(250),
  cpuLimit: Cpu.units(1),
  memoryRequest: Size.mebibytes(768),
  memoryLimit: Size.gibibytes(1),
};
const RUNBOOKS = 'https://runbooks.shop.example.com';
const WORKER_IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce-worker';
/** Seed 001's queue order: high priority first. */
const WORKER_QUEUES = ['high', 'default', 'low'];
/** Seed images, each pinned to its tag. */
const MONITORING_IMAGES: MonitoringImages = {
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

function sized(cpuRequestMillis: number, cpuLimitMillis: number, memoryRequestMi: number, memoryLimitMi: number): ContainerResourceSpec {
  return {
    cpuRequest: Cpu.millis(cpuRequestMillis),
    cpuLimit: Cpu.millis(cpuLimitMillis),
    memoryRequest: Size.mebibytes(memoryRequestMi),
    memoryLimit: Size.mebibytes(memoryLimitMi),
  };
}

/** Dev: small and short-lived (3 days of metrics). */
const DEV_MONITORING: MonitoringStackConfig = {
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
const STAGING_MONITORING: MonitoringStackConfig = {
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
const PROD_MONITORING: MonitoringStackConfig = {
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
const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

/** Receivers shared by every environment; channels and heartbeats differ. */
function receivers(environment: string, chatChannel: string): AlertmanagerReceivers {
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

// ---- release state: rewritten by `npm run promote` / `npm run rollback` (scripts/promote.ts). ----
// One line per environment, in exactly this shape; the script replaces a line only when it matches it.
export const RELEASES: Readonly<Record<EnvironmentName, ReleaseState>> = {
  dev: { liveColour: 'blue', blueImageTag: 'main', greenImageTag: 'main', workersImageTag: 'main' },
  staging: { liveColour: 'green', blueImageTag: 'v1.3.0', greenImageTag: 'v1.4.0-rc.1', workersImageTag: 'v1.3.0' },
  prod: { liveColour: 'blue', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0', workersImageTag: 'v1.2.3' },
};
// ---- end of release state ----

/** The web tier's share of a release. */
function webRelease(release: ReleaseState): Pick<WebTierConfig, 'liveColour' | 'blueImageTag' | 'greenImageTag'> {
  return { liveColour: release.liveColour, blueImageTag: release.blueImageTag, greenImageTag: release.greenImageTag };
}

/** Where every environment's manifests are committed. */
const GIT_REPOSITORY = 'https://git.example.com/platform/ecommerce-k8s.git';
/** Seed 000's curl image, pinned. */
const SMOKE_TEST_IMAGE = 'curlimages/curl:8.9.1';
/** Smoke tests: three requests with curl. */
const SMOKE_TEST_RESOURCES = sized(10, 100, 16, 64);

const dev: EnvironmentConfig = {
  name: 'dev',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: false,
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/dev', automatedSync: true, cluster: 'dev-cluster' },
  deployHooks: { resources: sized(50, 250, 128, 256), smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
  tlsIssuer: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(4),
    limitsCpu: Cpu.units(8),
    requestsMemory: Size.gibibytes(8),
    limitsMemory: Size.gibibytes(16),
    pods: 30,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(50),
    cpuLimit: Cpu.millis(250),
    memoryRequest: Size.mebibytes(64),
    memoryLimit: Size.mebibytes(256),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    ...webRelease(RELEASES.dev),
    replicas: 1,
    idleReplicas: 1,
    resources: {
      cpuRequest: Cpu.millis(50),
      cpuLimit: Cpu.millis(250),
      memoryRequest: Size.mebibytes(128),
      memoryLimit: Size.mebibytes(256),
    },
    appEnv: 'development',
    appDebug: true,
    logLevel: 'debug',
    host: 'dev.shop.example.com',
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.dev.workersImageTag,
    queues: WORKER_QUEUES,
    jobTimeoutSeconds: 60,
    resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(512) },
    replicas: 1,
  },
  scheduler: {
    resources: { cpuRequest: Cpu.millis(25), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(256) },
  },
  // One small server, no replicas.
  mysql: {
    engine: 'mysql',
    replicas: 0,
    storage: Size.gibibytes(5),
    storageClassName: 'standard',
    resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.millis(1000), memoryRequest: Size.mebibytes(512), memoryLimit: Size.gibibytes(1) },
    primaryBufferPool: Size.mebibytes(256),
    replicaBufferPool: Size.mebibytes(256),
    primaryMaxConnections: 100,
    replicaMaxConnections: 100,
  },
  redis: {
    storage: Size.gibibytes(1),
    storageClassName: 'standard',
    resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) },
    maxMemory: Size.mebibytes(192),
    maxMemoryPolicy: 'noeviction',
  },
  // Dev runs the moving `main` tag on purpose (README "Environments"): report it, don't fail.
  policy: { warnings: ['image-pinned'] },
  network: NETWORK,
  // Off: dev data is disposable. Switching it on renders backup.k8s.yaml against the in-cluster store.
  backup: {
    enabled: false,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '2' }),
    verificationSchedule: Cron.schedule({ minute: '0', hour: '5', weekDay: '1' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups-dev',
    region: 'us-east-1',
    endpoint: 'http://minio.storage.svc.cluster.local:9000',
    retentionDays: 7,
    rowCountTolerancePercent: 5,
    resources: BACKUP_SMALL,
    verificationResources: VERIFY_SMALL,
    workspaceSize: Size.gibibytes(2),
    scratchSize: Size.gibibytes(5),
  },
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: DEV_MONITORING },
  alerting: {
    // One small pod per colour under debug logging: tolerate more before anyone is bothered.
    thresholds: { ...SEED_ALERT_THRESHOLDS, errorRatePercent: 20, responseTimeP95Seconds: 5, averageResponseTimeSeconds: 3 },
    // No real customers: payments, orders and carts are test traffic.
    disabledAlerts: ['PaymentFailureSpike', 'NoOrdersProcessed', 'HighCartAbandonmentRate'],
    colourTrafficRequestsPerSecond: 5,
    receivers: receivers('dev', '#dev-alerts'),
  },
};

const staging: EnvironmentConfig = {
  name: 'staging',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/staging', automatedSync: true, cluster: 'staging-cluster' },
  deployHooks: { resources: sized(100, 500, 192, 384), smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
  // Seed 000's chaos experiment: one web pod failed for a minute, in staging only.
  chaos: { podFailureDurationSeconds: 60 },
  tlsIssuer: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(8),
    limitsCpu: Cpu.units(16),
    requestsMemory: Size.gibibytes(16),
    limitsMemory: Size.gibibytes(32),
    pods: 50,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(100),
    cpuLimit: Cpu.millis(500),
    memoryRequest: Size.mebibytes(128),
    memoryLimit: Size.mebibytes(512),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    ...webRelease(RELEASES.staging),
    autoscaling: { minReplicas: 2, maxReplicas: 3 },
    idleReplicas: 2,
    resources: {
      cpuRequest: Cpu.millis(100),
      cpuLimit: Cpu.millis(500),
      memoryRequest: Size.mebibytes(192),
      memoryLimit: Size.mebibytes(384),
    },
    appEnv: 'staging',
    appDebug: false,
    logLevel: 'info',
    host: 'staging.shop.example.com',
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.staging.workersImageTag,
    queues: WORKER_QUEUES,
    jobTimeoutSeconds: 120,
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
    autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 3 },
  },
  scheduler: {
    resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) },
  },
  mysql: {
    engine: 'mysql',
    replicas: 1,
    storage: Size.gibibytes(20),
    storageClassName: 'standard',
    resources: { cpuRequest: Cpu.millis(500), cpuLimit: Cpu.millis(1000), memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(2) },
    primaryBufferPool: Size.mebibytes(768),
    replicaBufferPool: Size.mebibytes(768),
    primaryMaxConnections: 200,
    replicaMaxConnections: 200,
  },
  redis: {
    storage: Size.gibibytes(5),
    storageClassName: 'standard',
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
    maxMemory: Size.mebibytes(384),
    maxMemoryPolicy: 'noeviction',
  },
  policy: { warnings: [] },
  network: OPERATOR_NETWORK,
  backup: {
    enabled: true,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '2' }),
    verificationSchedule: Cron.schedule({ minute: '0', hour: '5', weekDay: '1' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups-staging',
    region: 'us-east-1',
    retentionDays: 14,
    rowCountTolerancePercent: 1,
    resources: BACKUP_SMALL,
    verificationResources: VERIFY_SMALL,
    workspaceSize: Size.gibibytes(5),
    scratchSize: Size.gibibytes(10),
  },
  // Staging runs the shared kube-prometheus-stack, so operator mode is exercised before anyone needs it.
  monitoring: { mode: 'operator', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: STAGING_MONITORING },
  alerting: {
    thresholds: SEED_ALERT_THRESHOLDS,
    // Synthetic checkout traffic only: nights without orders are normal.
    disabledAlerts: ['NoOrdersProcessed', 'HighCartAbandonmentRate'],
    colourTrafficRequestsPerSecond: 2,
    receivers: receivers('staging', '#staging-alerts'),
  },
};

const prod: EnvironmentConfig = {
  name: 'prod',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
  // Manual sync: a person reviews the diff in Argo CD and presses Sync (seed 004's approval gate).
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/prod', automatedSync: false, cluster: 'production-cluster' },
  deployHooks: { resources: sized(250, 500, 256, 512), smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
  tlsIssuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(16),
    limitsCpu: Cpu.units(32),
    requestsMemory: Size.gibibytes(32),
    limitsMemory: Size.gibibytes(64),
    pods: 100,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(100),
    cpuLimit: Cpu.millis(500),
    memoryRequest: Size.mebibytes(128),
    memoryLimit: Size.mebibytes(512),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    // Seed 000: blue serves v1.2.3, green holds v1.3.0 ready for the switch (RELEASES above).
    ...webRelease(RELEASES.prod),
    // Seed 000 runs 3 pods per colour; its laravel-hpa scales the live colour up to 10.
    autoscaling: { minReplicas: 3, maxReplicas: 10 },
    idleReplicas: 3,
    resources: {
      cpuRequest: Cpu.millis(250),
      cpuLimit: Cpu.millis(500),
      memoryRequest: Size.mebibytes(256),
      memoryLimit: Size.mebibytes(512),
    },
    appEnv: 'production',
    appDebug: false,
    logLevel: 'warning',
    host: 'shop.example.com',
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.prod.workersImageTag,
    queues: WORKER_QUEUES,
    // Longest job (order export) runs about 4 minutes; the grace period follows.
    jobTimeoutSeconds: 300,
    // Seed 001's worker resources.
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
    // Seed 000's laravel-worker-hpa: 1-5 workers at 100 waiting jobs each on the default queue.
    autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5, queue: 'default', jobsPerPod: 100 },
  },
  scheduler: {
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
  },
  // Seed 001: a primary and two read replicas, 100 Gi fast-ssd each, 1-2 CPU and 2-4 Gi.
  mysql: {
    engine: 'mysql',
    replicas: 2,
    storage: Size.gibibytes(100),
    storageClassName: 'fast-ssd',
    resources: { cpuRequest: Cpu.millis(1000), cpuLimit: Cpu.millis(2000), memoryRequest: Size.gibibytes(2), memoryLimit: Size.gibibytes(4) },
    primaryBufferPool: Size.gibibytes(2),
    replicaBufferPool: Size.gibibytes(3),
    primaryMaxConnections: 500,
    replicaMaxConnections: 1000,
  },
  redis: {
    storage: Size.gibibytes(20),
    storageClassName: 'fast-ssd',
    resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.millis(1000), memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(2) },
    maxMemory: Size.mebibytes(1536),
    maxMemoryPolicy: 'noeviction',
  },
  // Seed 000's cluster-autoscaler, for the production EKS cluster.
  clusterAutoscaler: {
    cloudProvider: 'aws',
    nodeGroupAutoDiscovery: 'asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/production-cluster',
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(100), memoryRequest: Size.mebibytes(600), memoryLimit: Size.mebibytes(600) },
  },
  policy: { warnings: [] },
  network: NETWORK,
  // Seed 000: every 6 hours into ecommerce-backups (us-east-1), 30 days' retention; verified weekly.
  backup: {
    enabled: true,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '*/6' }),
    verificationSchedule: Cron.schedule({ minute: '30', hour: '3', weekDay: '0' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups',
    region: 'us-east-1',
    retentionDays: 30,
    // Counts are taken just before the dump's snapshot; orders written in between differ by a few rows.
    rowCountTolerancePercent: 1,
    resources: {
      cpuRequest: Cpu.millis(250),
      cpuLimit: Cpu.units(1),
      memoryRequest: Size.mebibytes(256),
      memoryLimit: Size.mebibytes(512),
    },
    verificationResources: {
      cpuRequest: Cpu.millis(500),
      cpuLimit: Cpu.units(2),
      memoryRequest: Size.gibibytes(1),
      memoryLimit: Size.gibibytes(2),
    },
    workspaceSize: Size.gibibytes(20),
    scratchSize: Size.gibibytes(50),
  },
  // The seed's validation script checks prometheus-server, grafana and loki Deployments in `monitoring`.
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: PROD_MONITORING },
  alerting: {
    thresholds: SEED_ALERT_THRESHOLDS,
    disabledAlerts: [],
    colourTrafficRequestsPerSecond: 1,
    // Seed 000's channel.
    receivers: receivers('prod', '#production-alerts'),
  },
};

/** The configuration of every environment, by name. */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };

/**
 * Returns an environment's configuration after validating it.
 *
 * @throws ValidationError for an unknown name or a wrong value, naming the environment and the field
 */
export function loadEnvironment(name: string, environments: Readonly<Record<string, EnvironmentConfig>> = ENVIRONMENTS): EnvironmentConfig {
  const config = Object.prototype.hasOwnProperty.call(environments, name) ? environments[name] : undefined;
  if (config === undefined) {
    const known = Object.keys(environments).map((n) => JSON.stringify(n)).join(', ');
    throw new ValidationError('environments', 'name', `unknown environment ${JSON.stringify(name)}; expected one of ${known}`);
  }
  validateEnvironment(name, config);
  return config;
}

/**
 * Checks the values whose meaning this file defines (which environment pins images, the colour and log
 * level vocabularies, replica bounds). Constructs check their own props again for library consumers;
 * both use the same checks, so the rules cannot drift apart.
 */
export function validateEnvironment(key: string, config: EnvironmentConfig): void {
  const where = `environment ${key}`;
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) {
      throw new ValidationError(where, field, problem);
    }
  };
  check('name', config.name === key ? undefined : `must equal its key ${JSON.stringify(key)}, got ${JSON.stringify(config.name)}`);
  check('namespace', checkDnsLabel(config.namespace));
  check('tlsIssuer.name', checkNonEmpty(config.tlsIssuer?.name));
  validateDelivery(key, config, check);
  const web = config.web;
  check('web.appName', checkDnsLabel(web.appName));
  check('web.liveColour', checkOneOf(web.liveColour, COLOURS));
  check('web.logLevel', checkOneOf(web.logLevel, LOG_LEVELS));
  check('web.blueImageTag', checkImageTag(web.blueImageTag, config.requirePinnedImages));
  check('web.greenImageTag', checkImageTag(web.greenImageTag, config.requirePinnedImages));
  check('web.host', checkHostName(web.host));
  check('web.idleReplicas', checkInteger(web.idleReplicas, 1));
  if (web.replicas !== undefined) {
    check('web.replicas', checkInteger(web.replicas, 1));
  }
  if (web.autoscaling !== undefined) {
    check('web.autoscaling.minReplicas', checkInteger(web.autoscaling.minReplicas, 1));
    check('web.autoscaling.maxReplicas', checkInteger(web.autoscaling.maxReplicas, 1));
    check('web.autoscaling.minReplicas', checkReplicaBounds(web.autoscaling.minReplicas, web.autoscaling.maxReplicas));
  }
  const resources = checkResources(web.resources);
  if (resources !== undefined) {
    check(`web.resources.${resources.field}`, resources.problem);
  }
  check('monitoring.mode', checkOneOf(config.monitoring.mode, MONITORING_MODES));
  check('monitoring.runbookBaseUrl', /^https:\/\/[^\s]+[^/]$/.test(config.monitoring.runbookBaseUrl)
    ? undefined : `must be an https URL without a trailing slash, got ${JSON.stringify(config.monitoring.runbookBaseUrl)}`);
  const backup = config.backup;
  check('backup.engine', checkOneOf(backup.engine, DATABASE_ENGINES));
  check('backup.schedule', checkCronSchedule(backup.schedule?.expressionString));
  check('backup.verificationSchedule', checkCronSchedule(backup.verificationSchedule?.expressionString));
  check('backup.bucket', checkNonEmpty(backup.bucket));
  check('backup.region', checkNonEmpty(backup.region));
  check('backup.retentionDays', checkInteger(backup.retentionDays, 1));
  check('backup.rowCountTolerancePercent', checkInteger(backup.rowCountTolerancePercent, 0, 100));
  for (const field of ['resources', 'verificationResources'] as const) {
    const problem = checkResources(backup[field]);
    if (problem !== undefined) {
      check(`backup.${field}.${problem.field}`, problem.problem);
    }
  }
  validateMonitoringStack(config.monitoring.stack, check);
  const alerting = config.alerting;
  for (const [field, value] of Object.entries(alerting.thresholds)) {
    check(`alerting.thresholds.${field}`, typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `must be a positive number, got ${JSON.stringify(value)}`);
  }
  for (const name of alerting.disabledAlerts) {
    check('alerting.disabledAlerts', checkOneOf(name, PLATFORM_ALERT_NAMES));
  }
  check('alerting.colourTrafficRequestsPerSecond', alerting.colourTrafficRequestsPerSecond > 0
    ? undefined : `must be a positive number, got ${JSON.stringify(alerting.colourTrafficRequestsPerSecond)}`);
  for (const [field, value] of Object.entries(alerting.receivers)) {
    check(`alerting.receivers.${field}`, checkNonEmpty(value));
  }
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
  validateWorkloadTiers(config, check);
}

/** Checks the workers, scheduler, MySQL, Redis and cluster autoscaler sections. */
function validateWorkloadTiers(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  const resources = (field: string, spec: ContainerResourceSpec) => {
    const problem = checkResources(spec);
    if (problem !== undefined) {
      check(`${field}.${problem.field}`, problem.problem);
    }
  };
  const w = config.workers;
  check('workers.imageTag', checkImageTag(w.imageTag, config.requirePinnedImages));
  check('workers.jobTimeoutSeconds', checkInteger(w.jobTimeoutSeconds, 1));
  resources('workers.resources', w.resources);
  if ((w.replicas === undefined) === (w.autoscaling === undefined)) {
    check('workers.replicas', 'give exactly one of replicas and autoscaling');
  }
  if (w.autoscaling !== undefined) {
    check('workers.autoscaling.minReplicas', checkInteger(w.autoscaling.minReplicas, 1));
    check('workers.autoscaling.minReplicas', checkReplicaBounds(w.autoscaling.minReplicas, w.autoscaling.maxReplicas));
  }
  resources('scheduler.resources', config.scheduler.resources);
  const m = config.mysql;
  check('mysql.engine', checkOneOf(m.engine, MYSQL_ENGINES));
  check('mysql.replicas', checkInteger(m.replicas, 0, 9));
  check('mysql.storageClassName', checkDnsLabel(m.storageClassName));
  resources('mysql.resources', m.resources);
  if (memoryToKibibytes(m.primaryBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)
    || memoryToKibibytes(m.replicaBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)) {
    // The buffer pool is only part of what mysqld allocates: at the limit it would be OOM-killed.
    check('mysql.primaryBufferPool', `must be below the memory limit (${memoryQuantity(m.resources.memoryLimit)}) for primary and replicas`);
  }
  const r = config.redis;
  check('redis.storageClassName', checkDnsLabel(r.storageClassName));
  resources('redis.resources', r.resources);
  if (memoryToKibibytes(r.maxMemory) >= memoryToKibibytes(r.resources.memoryLimit)) {
    check('redis.maxMemory', `must be below the memory limit (${memoryQuantity(r.resources.memoryLimit)}), got ${memoryQuantity(r.maxMemory)}`);
  }
  if (config.clusterAutoscaler !== undefined) {
    check('clusterAutoscaler.cloudProvider', checkNonEmpty(config.clusterAutoscaler.cloudProvider));
    check('clusterAutoscaler.nodeGroupAutoDiscovery', checkNonEmpty(config.clusterAutoscaler.nodeGroupAutoDiscovery));
    resources('clusterAutoscaler.resources', config.clusterAutoscaler.resources);
  }
  validatePolicyAndNetwork(config, check);
}

function validatePolicyAndNetwork(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  config.policy.warnings.forEach((rule, i) => check(`policy.warnings[${i}]`, checkOneOf(rule, POLICY_RULE_IDS)));
  if (config.requirePinnedImages && config.policy.warnings.length > 0) {
    check('policy.warnings', `must be empty where images are pinned: every policy finding fails synth there, got ${JSON.stringify(config.policy.warnings)}`);
  }
  for (const peer of ['ingressController', 'prometheus'] as const) {
    const { namespaceLabels, podLabels } = config.network[peer];
    if (Object.keys(namespaceLabels).length === 0) {
      check(`network.${peer}.namespaceLabels`, 'required: at least one label of the namespace');
    }
    for (const [key, value] of Object.entries({ ...namespaceLabels, ...podLabels })) {
      check(`network.${peer}.labels.${key}`, checkLabelKey(key) ?? checkLabelValue(value));
    }
  }
  check('network.externalHttps.cidr', checkCidr(config.network.externalHttps.cidr));
  config.network.externalHttps.except.forEach((cidr, i) => check(`network.externalHttps.except[${i}]`, checkCidr(cidr)));
  check('network.clusterNodesCidr', checkCidr(config.network.clusterNodesCidr));
}

const PROMETHEUS_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** Checks `monitoring.stack`: every image pinned (in every environment), durations, sizes. */
function validateMonitoringStack(stack: MonitoringStackConfig, check: (field: string, problem: string | undefined) => void): void {
  for (const [name, image] of Object.entries(stack.images).sort(([a], [b]) => (a < b ? -1 : 1))) {
    check(`monitoring.stack.images.${name}`, checkPinnedImage(image));
  }
  check('monitoring.stack.prometheus.retentionTime', PROMETHEUS_DURATION.test(stack.prometheus.retentionTime)
    ? undefined : `must be a Prometheus duration such as "30d", got ${JSON.stringify(stack.prometheus.retentionTime)}`);
  const resources: Array<[string, ContainerResourceSpec]> = [
    ['prometheus.resources', stack.prometheus.resources],
    ['alertmanager.resources', stack.alertmanager.resources],
    ['grafana.resources', stack.grafana.resources],
    ['exporterResources', stack.exporterResources],
    ['kubeStateMetricsResources', stack.kubeStateMetricsResources],
    ['loki.resources', stack.loki.resources],
    ['alloyResources', stack.alloyResources],
    ['jaeger.resources', stack.jaeger.resources],
  ];
  for (const [field, spec] of resources) {
    const problem = checkResources(spec);
    if (problem !== undefined) {
      check(`monitoring.stack.${field}.${problem.field}`, problem.problem);
    }
  }
  const lokiSeconds = stack.loki.retentionPeriod.toSeconds();
  check('monitoring.stack.loki.retentionPeriod', lokiSeconds > 0 && lokiSeconds % 86400 === 0
    ? undefined : `must be a positive number of whole days, got ${lokiSeconds}s`);
  const jaeger = stack.jaeger.storage;
  if (jaeger.kind === 'memory') {
    check('monitoring.stack.jaeger.storage.maxTraces', Number.isInteger(jaeger.maxTraces) && jaeger.maxTraces > 0
      ? undefined : `must be a positive integer, got ${jaeger.maxTraces}`);
  }
  check('monitoring.stack.mysqlAddress', /^[a-z0-9.-]+:[0-9]+$/.test(stack.mysqlAddress)
    ? undefined : `must be host:port, got ${JSON.stringify(stack.mysqlAddress)}`);
  check('monitoring.stack.operatorPrometheusUrl', /^https?:\/\/[^\s]+$/.test(stack.operatorPrometheusUrl)
    ? undefined : `must be an http(s) URL, got ${JSON.stringify(stack.operatorPrometheusUrl)}`);
}

/** Checks `gitops`, `deployHooks` and `chaos`. */
function validateDelivery(key: string, config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  const g = config.gitops;
  check('gitops.repoUrl', /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(g.repoUrl) ? undefined : `must be an https, ssh or git@ URL, got ${JSON.stringify(g.repoUrl)}`);
  check('gitops.targetRevision', checkNonEmpty(g.targetRevision));
  // Argo CD must apply this environment's folder and nothing else.
  check('gitops.path', g.path === `dist/${key}` ? undefined : `must be "dist/${key}", got ${JSON.stringify(g.path)}`);
  check('gitops.cluster', checkDnsLabel(g.cluster));
  for (const field of ['resources', 'smokeTestResources'] as const) {
    const problem = checkResources(config.deployHooks[field]);
    if (problem !== undefined) {
      check(`deployHooks.${field}.${problem.field}`, problem.problem);
    }
  }
  check('deployHooks.smokeTestImage', checkPinnedImage(config.deployHooks.smokeTestImage));
  if (config.chaos !== undefined) {
    check('chaos.podFailureDurationSeconds', checkInteger(config.chaos.podFailureDurationSeconds, 1, 3600));
  }
}
