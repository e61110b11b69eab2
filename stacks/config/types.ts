/**
 * The shape of an environment's configuration: what dev, staging and prod each set.
 */
import { Cron,Duration,Size } from 'cdk8s';
import { AlertmanagerReceivers } from '../../lib/alerting/alertmanager-routing';
import { DatabaseEngine } from '../../lib/backup/backup-cron-job';
import { NamespaceQuota } from '../../lib/core/app-namespace';
import { ContainerResourceSpec } from '../../lib/core/container-resources';
import { MysqlEngine } from '../../lib/data/mysql-cluster';
import { PlatformAlertThresholds } from '../../lib/laravel/platform-alerts';
import { JaegerStorage } from '../../lib/observability/jaeger-server';
import { PodPeer } from '../../lib/safety/network-connections';
import { PolicyRuleId } from '../../lib/safety/policy';
import { BlueGreenAutoscaling,Colour } from '../../lib/web/blue-green-app';
import { IssuerKind } from '../../lib/web/tls-ingress';
import { QueueWorkerScaling } from '../../lib/workers/queue-worker';


/** The environments this repository deploys. */
export type EnvironmentName = 'dev' | 'staging' | 'prod';

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['dev', 'staging', 'prod'];

/** Laravel (Monolog) log levels used here. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

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

export const MONITORING_MODES: readonly MonitoringMode[] = ['standalone', 'operator'];

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

  /** Autoscaling on the queue length (seed 000, by KEDA) or on CPU and memory (seed 001). */
  readonly autoscaling?: QueueWorkerScaling;

  /**
   * Which heartbeat files the worker image writes (README "Workers": the `Looping` listener and the
   * scheduled `touch`). Declare only what the image is known to do: a heartbeat probe kills every process
   * of an image that does not write its file. Where false, the probes check that PHP runs and Redis answers.
   */
  readonly imageWritesHeartbeats: { readonly queueWorker: boolean; readonly scheduler: boolean };
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

  /** KEDA's operator, which reads the queue lengths from Redis to scale the workers. */
  readonly kedaOperator: PodPeer;

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

/**
 * Progressive delivery of the web tier (README "Progressive delivery"): the verified blue/green switch,
 * whether the cluster runs Argo Rollouts, and the canary.
 */
export interface DeliveryConfig {
  /**
   * Watch the new colour after a sync that switched it, and switch back on an SLO breach.
   *
   * @default - no verification hook: a switch is only as safe as its smoke tests
   */
  readonly verifiedSwitch?: VerifiedSwitchConfig;

  /**
   * Whether the Argo Rollouts controller (and its CRDs) is installed in the cluster. A canary needs it.
   *
   * @default false
   */
  readonly argoRollouts?: boolean;

  /**
   * A canary release (Argo Rollouts) of the web tier beside the blue/green Deployments.
   *
   * @default - no canary
   */
  readonly canary?: CanaryConfig;
}

/** The verified switch: bake time, SLO thresholds and the hook Job's image and size. */
export interface VerifiedSwitchConfig {
  /** How long the new colour is watched after the switch (seed 004: "stable for 15 minutes?"). */
  readonly bakeTime: Duration;

  /** Time between two Prometheus queries during the bake. */
  readonly checkInterval: Duration;

  /** Highest error ratio (5xx share, a fraction in (0, 1]) the new colour may show (seed 003: < 0.1 %). */
  readonly errorRatioMax: number;

  /** Highest 95th percentile response time the new colour may show (seed 003: < 200 ms). */
  readonly latencyP95Max: Duration;

  /** Pinned image with `/bin/sh`, `curl`, `sed` and `awk` (curlimages/curl). */
  readonly image: string;

  /** Requests and limits of the hook Job. */
  readonly resources: ContainerResourceSpec;
}

/** Steps and analysis of a canary release (Argo Rollouts). */
export interface CanaryConfig {
  /** Name of the canary app (`<name>-stable`, `<name>-canary` Services, Rollout `<name>`). */
  readonly appName: string;

  /** Tag of the web tier's image the Rollout runs; changing it starts a canary release. */
  readonly imageTag: string;

  /** Public host of the canary app's stable Ingress. */
  readonly host: string;

  /** Traffic weights in percent, increasing, the last one 100; an analysis runs after every step but the last. */
  readonly weightsPercent: readonly number[];

  /** Pause after each weight before its analysis starts (0 for none). */
  readonly pause: Duration;

  /** Time between two measurements of an analysis. */
  readonly analysisInterval: Duration;

  /** Measurements per analysis. */
  readonly analysisCount: number;

  /** Failed measurements an analysis tolerates; one more aborts the rollout. */
  readonly analysisFailureLimit: number;

  /** Highest error ratio (a fraction in (0, 1]) the canary may show. */
  readonly errorRatioMax: number;

  /** Highest 95th percentile response time the canary may show. */
  readonly latencyP95Max: Duration;

  /** Pods of the Rollout. */
  readonly replicas: number;
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

  /** Progressive delivery; absent where a switch is a plain selector change (dev). */
  readonly delivery?: DeliveryConfig;
}
