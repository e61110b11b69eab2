/**
 * The one description of an environment's configuration: strict zod schemas whose inferred types are the
 * config types (types.ts), so a key the schema does not know is an error at load, without `tsc`.
 *
 * Each single-field rule lives here, as the shared check of lib/core (constructs run the same checks on
 * their own props for library consumers). Rules that relate two fields or depend on the environment's key
 * are in validate.ts.
 */
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { z } from 'zod';
import { DATABASE_ENGINES } from '../../lib/backup/backup-cron-job';
import { checkCidr, checkCpu, checkDnsLabel, checkDnsSubdomain, checkGitRevision, checkHostName, checkImageRepository, checkImageTag, checkInteger, checkLabelKey, checkLabelValue, checkNonEmpty, checkOneOf, checkSize, checkTimeSpan, checkTimeZone, checkWholeDays } from '../../lib/core/checks';
import { checkResources } from '../../lib/core/container-resources';
import { checkCronSchedule } from '../../lib/core/cron';
import { checkPositiveDuration } from '../../lib/core/durations';
import { show } from '../../lib/core/errors';
import { MYSQL_ENGINES } from '../../lib/data/mysql-cluster';
import { PLATFORM_ALERT_NAMES } from '../../lib/laravel/platform-alerts';
import { checkPinnedImage } from '../../lib/observability/monitoring-server';
import { POLICY_RULE_IDS, PolicyRuleId } from '../../lib/safety/policy';
import { Colour, COLOURS } from '../../lib/web/blue-green-app';
import { IssuerKind } from '../../lib/web/tls-ingress';

/** A value judged by one check: its problem (a `must be ..., got ...` line) becomes the error. */
function checked<T>(check: (value: unknown) => string | undefined) {
  return z.custom<T>().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem });
    }
  });
}

const typed = (type: string, example: string) => (value: unknown) => (typeof value === type ? undefined : `must be a ${type} such as ${example}, got ${show(value)}`);
const text = (example = '"value"') => checked<string>(typed('string', example));
const nonEmpty = () => checked<string>(checkNonEmpty);
const flag = () => checked<boolean>(typed('boolean', 'true'));
const oneOf = <T extends string>(allowed: readonly T[]) => checked<T>((v) => checkOneOf(v, allowed));
const integer = (min: number, max?: number) => checked<number>((v) => checkInteger(v, min, max));
const positive = () => checked<number>((v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : `must be a positive number, got ${show(v)}`));
const instance = <T>(cls: abstract new (...args: never[]) => T, example: string) =>
  checked<T>((v) => (v instanceof cls ? undefined : `must be ${example}, got ${show(v)}`));
const size = () => checked<Size>(checkSize);
const cpu = () => checked<Cpu>(checkCpu);
const imageRepository = () => checked<string>(checkImageRepository);
const duration = () => instance<Duration>(Duration as never, 'a Duration such as Duration.days(30)');
const positiveDuration = (example?: string) => checked<Duration>((v) => checkPositiveDuration(v, example));
const wholeSeconds = (min: number) => checked<Duration>((v) => checkTimeSpan(v, min));
const cron = () => checked<Cron>((v) => (v instanceof Cron ? checkCronSchedule(v.expressionString) : `must be a Cron such as Cron.daily(), got ${show(v)}`));
const imageTag = () => checked<string>((v) => checkImageTag(v, false));
const pinnedImage = () => checked<string>(checkPinnedImage);
const url = (pattern: RegExp, what: string) => checked<string>((v) => (typeof v === 'string' && pattern.test(v) ? undefined : `must be ${what}, got ${show(v)}`));
const labels = () => z.record(z.string(), z.string()).superRefine((value, ctx) => {
  for (const [key, v] of Object.entries(value)) {
    const problem = checkLabelKey(key) ?? checkLabelValue(v);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  }
});

/** Requests and limits of one container; limits at least the requests (`ContainerResourceSpec`). */
export const resourcesSchema = z.strictObject({
  cpuRequest: cpu(),
  cpuLimit: cpu(),
  memoryRequest: size(),
  memoryLimit: size(),
}).superRefine((spec, ctx) => {
  const problem = checkResources(spec);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: problem.problem, path: [problem.field] });
  }
});

/** ResourceQuota of a namespace (`NamespaceQuota`). */
const quotaSchema = z.strictObject({
  requestsCpu: cpu(),
  limitsCpu: cpu(),
  requestsMemory: size(),
  limitsMemory: size(),
  pods: integer(1),
  persistentVolumeClaims: integer(0).optional(),
});

/** The web tier: the Laravel app deployed blue/green. */
export const webTierSchema = z.strictObject({
  /** App name: prefix of its objects (`laravel-blue`, `laravel-service`). */
  appName: checked<string>(checkDnsLabel),
  /** Image repository, without tag. */
  imageRepository: imageRepository(),
  /** Tag the blue Deployment runs. */
  blueImageTag: imageTag(),
  /** Tag the green Deployment runs. */
  greenImageTag: imageTag(),
  /** Colour the live Service selects. Switch it to promote the idle colour (see README). */
  liveColour: oneOf<Colour>(COLOURS),
  /** Size of the idle colour; raise it to the live minimum before switching. */
  idleReplicas: integer(1),
  /** Emergency only: lets the serving colour change its image in place to this tag (`HOTFIXES` in releases.ts). */
  hotfix: z.strictObject({
    /** The tag the serving colour may change to in place (`HotfixRelease.imageTag`). */
    imageTag: imageTag(),
    /** Why the fix cannot go through the idle colour. */
    reason: nonEmpty(),
  }).optional(),
  /** Fixed size of the live colour (environments without autoscaling). */
  replicas: integer(1).optional(),
  /** Autoscaling bounds and targets of the live colour (`BlueGreenAutoscaling`). */
  autoscaling: z.strictObject({
    minReplicas: integer(1),
    maxReplicas: integer(1),
    cpuUtilizationPercent: integer(1, 100).optional(),
    memoryUtilizationPercent: integer(1, 100).optional(),
    requestsPerSecondPerPod: positive().optional(),
  }).optional(),
  /** Requests and limits of the app container. */
  resources: resourcesSchema,
  /** Laravel `APP_ENV`. */
  appEnv: nonEmpty(),
  /** Laravel `APP_DEBUG`: stack traces in responses, so never on where real users are. */
  appDebug: flag(),
  /** Laravel `LOG_LEVEL`. */
  logLevel: oneOf(['debug', 'info', 'warning', 'error'] as const),
  /** Public host name of the shop. */
  host: checked<string>(checkHostName),
  /**
   * Who may reach the host through the Ingress (seed 004's access matrix). Production is public (empty
   * `allowSourceRanges`); every other environment names the address blocks it accepts, or states in
   * `publicWaiver` why it is open to the internet (validate.ts).
   */
  access: z.strictObject({
    /** CIDR blocks the ingress controller accepts (VPN egress ranges); empty: every address. */
    allowSourceRanges: z.array(checked<string>(checkCidr)).readonly(),
    /** Secret (htpasswd under key `auth`) for HTTP basic auth. */
    basicAuthSecret: checked<string>(checkDnsLabel).optional(),
    /** SSO through an oauth2-proxy: the auth URL ingress-nginx checks and the sign-in URL it redirects to. */
    externalAuth: z.strictObject({
      url: url(/^https?:\/\/[^\s"']+$/, 'an http(s) URL'),
      signinUrl: url(/^https?:\/\/[^\s"']+$/, 'an http(s) URL'),
    }).optional(),
    /** Why a non-production environment has no allowlist; without it, a missing allowlist there fails synth. */
    publicWaiver: nonEmpty().optional(),
  }),
});

/** Pinned images of the monitoring components (every environment pins them). */
const monitoringImagesSchema = z.strictObject({
  prometheus: pinnedImage(),
  alertmanager: pinnedImage(),
  grafana: pinnedImage(),
  redisExporter: pinnedImage(),
  mysqlExporter: pinnedImage(),
  kubeStateMetrics: pinnedImage(),
  loki: pinnedImage(),
  alloy: pinnedImage(),
  jaeger: pinnedImage(),
});

/** A server with a data volume. */
const serverSizingSchema = {
  /** Size of its PersistentVolumeClaim. */
  storageSize: size(),
  /** Requests and limits of its container. */
  resources: resourcesSchema,
};

/** What both monitoring modes run: the exporters of our servers, beside them in the app namespace. */
const exportersSchema = {
  images: monitoringImagesSchema,
  /** Requests and limits of each exporter (redis, mysql). */
  exporterResources: resourcesSchema,
  /** MySQL `host:port` the mysql exporter connects to (seed 001's primary Service). */
  mysqlAddress: url(/^[a-z0-9.-]+:[0-9]+$/, 'host:port'),
};

/** The standalone stack: Prometheus, Alertmanager, Grafana, kube-state-metrics, Loki, Alloy, Jaeger. */
export const standaloneStackSchema = z.strictObject({
  ...exportersSchema,
  /** StorageClass of every monitoring volume; the cluster default when absent. */
  storageClassName: checked<string>(checkDnsLabel).optional(),
  /** Prometheus: data volume, container, and how long samples are kept. */
  prometheus: z.strictObject({ ...serverSizingSchema, retentionTime: positiveDuration() }),
  alertmanager: z.strictObject(serverSizingSchema),
  grafana: z.strictObject(serverSizingSchema),
  kubeStateMetricsResources: resourcesSchema,
  /** ResourceQuota of namespace `monitoring`. */
  namespaceQuota: quotaSchema,
  /** Loki: data volume, container, and how long log lines are kept (whole days; enforced by the compactor). */
  loki: z.strictObject({
    ...serverSizingSchema,
    retentionPeriod: checked<Duration>((v) => {
      const seconds = v instanceof Duration ? v.toSeconds() : NaN;
      return seconds > 0 && seconds % 86400 === 0 ? undefined : `must be a positive number of whole days, got ${v instanceof Duration ? `${seconds}s` : show(v)}`;
    }),
  }),
  /** Requests and limits of the Alloy log shipper, per node. */
  alloyResources: resourcesSchema,
  /** Jaeger: container and trace storage (bounded memory where losing traces on restart is fine, else Badger). */
  jaeger: z.strictObject({
    resources: resourcesSchema,
    storage: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('memory'), maxTraces: checked<number>((v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : `must be a positive integer, got ${v}`)) }),
      z.strictObject({ kind: z.literal('badger'), storageSize: size(), spanRetention: duration() }),
    ]),
  }),
});

/** Operator mode: kube-prometheus-stack runs the servers; we render exporters, monitors and Grafana provisioning. */
export const operatorStackSchema = z.strictObject({
  ...exportersSchema,
  /** URL of kube-prometheus-stack's Prometheus, provisioned as the `prometheus` datasource. */
  operatorPrometheusUrl: url(/^https?:\/\/[^\s]+$/, 'an http(s) URL'),
});

const runbookBaseUrl = url(/^https:\/\/[^\s]+[^/]$/, 'an https URL without a trailing slash');

/** How an environment is monitored: the mode decides which stack description applies. */
export const monitoringSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    /** This repository deploys Prometheus, Alertmanager, Grafana, Loki and tracing itself. */
    mode: z.literal('standalone'),
    /** Base URL of the runbooks that alerts link to. */
    runbookBaseUrl,
    stack: standaloneStackSchema,
  }),
  z.strictObject({
    /** The cluster runs kube-prometheus-stack; only what it consumes is rendered. */
    mode: z.literal('operator'),
    /** Labels kube-prometheus-stack selects rules, monitors and dashboards by; every such object carries them. */
    operatorSelector: labels(),
    /** Base URL of the runbooks that alerts link to. */
    runbookBaseUrl,
    stack: operatorStackSchema,
  }),
]);

/** Queue workers (`laravel-worker`, seeds 000 and 001). */
const workersSchema = z.strictObject({
  /** Worker image repository, without tag (seed 000's image list). */
  imageRepository: imageRepository(),
  /** Worker image tag. */
  imageTag: imageTag(),
  /** Queues drained, highest priority first. */
  queues: z.array(nonEmpty()),
  /** Longest a job may run (`--timeout`, whole seconds); the pod's grace period is sized from it. */
  jobTimeout: wholeSeconds(1),
  /** Requests and limits of a worker. */
  resources: resourcesSchema,
  /** Fixed worker count (environments without autoscaling). */
  replicas: integer(1).optional(),
  /** Autoscaling on the queue length (seed 000, by KEDA) or on CPU and memory (seed 001). */
  autoscaling: z.discriminatedUnion('metric', [
    z.strictObject({ metric: z.literal('queueLength'), minReplicas: integer(1), maxReplicas: integer(1), queues: z.array(nonEmpty()).optional(), jobsPerPod: integer(1).optional() }),
    z.strictObject({ metric: z.literal('resources'), minReplicas: integer(1), maxReplicas: integer(1), cpuUtilizationPercent: integer(1, 100).optional(), memoryUtilizationPercent: integer(1, 100).optional() }),
  ]).optional(),
  /**
   * Which heartbeat files the worker image writes (README "Workers": the `Looping` listener and the
   * scheduled `touch`). Declare only what the image is known to do: a heartbeat probe kills every process
   * of an image that does not write its file. Where false, the probes check that PHP runs and Redis answers.
   */
  imageWritesHeartbeats: z.strictObject({ queueWorker: flag(), scheduler: flag() }),
});

/** MySQL primary and read replicas (seed 001). */
const mysqlSchema = z.strictObject({
  /** `mysql` (MySQL 8, the seed's image) or `mariadb`. */
  engine: oneOf(MYSQL_ENGINES),
  /** Number of read replicas (`mysql-replica-1`...); 0 for none. */
  replicas: integer(0, 9),
  /**
   * Services the app reads from (`DB_READ_HOST_<n>`, `DB_READ_HOSTS`): replicas `mysql-replica-<n>` or
   * `mysql-replicas`. Absent: every replica's own Service. Must be absent without replicas: reads then go to
   * the primary (validate.ts).
   */
  readHosts: z.array(checked<string>(checkDnsLabel)).readonly().optional(),
  /** Volume size of each server. */
  storage: size(),
  /** StorageClass of the volumes. */
  storageClassName: checked<string>(checkDnsLabel),
  /** Requests and limits of each server. */
  resources: resourcesSchema,
  /** InnoDB buffer pool of the primary. */
  primaryBufferPool: size(),
  /** InnoDB buffer pool of each replica. */
  replicaBufferPool: size(),
  /** Connections the primary accepts. */
  primaryMaxConnections: integer(1),
  /** Connections each replica accepts. */
  replicaMaxConnections: integer(1),
});

/** Redis (cache, sessions and queues). */
const redisSchema = z.strictObject({
  /** Volume size of the append-only file and snapshots. */
  storage: size(),
  /** StorageClass of the volume. */
  storageClassName: checked<string>(checkDnsLabel),
  /** Requests and limits of the Redis container. */
  resources: resourcesSchema,
  /** `maxmemory`: below the memory limit, leaving room for copy-on-write during snapshots. */
  maxMemory: size(),
  /** `maxmemory-policy`; `noeviction` keeps queued jobs from being evicted. */
  maxMemoryPolicy: oneOf(['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'volatile-ttl'] as const),
});

/** A set of pods of the NetworkPolicies: labels of their namespace and, optionally, of the pods (`PodPeer`). */
const podPeerSchema = z.strictObject({
  namespaceLabels: labels().superRefine((value, ctx) => {
    if (Object.keys(value).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'required: at least one label of the namespace' });
    }
  }),
  podLabels: labels(),
});

/** Where the peers of the derived NetworkPolicies run (README "Network policies"). */
const networkSchema = z.strictObject({
  /** The ingress controller. */
  ingressController: podPeerSchema,
  /** Prometheus, which scrapes every metrics port. */
  prometheus: podPeerSchema,
  /** KEDA's operator, which reads the queue lengths from Redis to scale the workers. */
  kedaOperator: podPeerSchema,
  /** Addresses of HTTPS APIs outside the cluster (Stripe, S3), minus the blocks pods must not reach. */
  externalHttps: z.strictObject({ cidr: checked<string>(checkCidr), except: z.array(checked<string>(checkCidr)).readonly() }),
  /** Addresses of the nodes and the Kubernetes API endpoints, which monitoring reaches (kubelet, API server). */
  clusterNodesCidr: checked<string>(checkCidr),
});

/** Database backups, their restore verification and the restore template (`backup.k8s.yaml`). */
const backupSchema = z.strictObject({
  /** Whether the environment renders the Backup chart at all. */
  enabled: flag(),
  /**
   * Whether every sync first takes a backup, as an Argo CD PreSync hook (`database-backup-pre-release`), so
   * the migration that follows can be undone (seed 004's pipeline backs up before a production migration).
   */
  preSyncBackup: flag(),
  /** Database engine. */
  engine: oneOf(DATABASE_ENGINES),
  /** When backups run; the BackupTooOld threshold is twice its longest gap. */
  schedule: cron(),
  /** When the newest backup is restored into a scratch database to prove it restores. */
  verificationSchedule: cron(),
  /** IANA time zone of both schedules. */
  timeZone: checked<string>(checkTimeZone),
  /** Database to back up. */
  databaseName: nonEmpty(),
  /** S3 bucket of the backups. */
  bucket: nonEmpty(),
  /** Region of the bucket. */
  region: nonEmpty(),
  /** Endpoint of an S3-compatible store; absent for AWS S3. */
  endpoint: url(/^https?:\/\/[^\s]+$/, 'an http(s) URL').optional(),
  /** How long a backup is kept: whole days. */
  retention: checked<Duration>(checkWholeDays),
  /** Allowed row count difference between a backup's manifest and its restore, percent. */
  rowCountTolerancePercent: integer(0, 100),
  /** Requests and limits of the dump, upload, fetch and restore containers. */
  resources: resourcesSchema,
  /** Requests and limits of the verification container (runs a scratch database server). */
  verificationResources: resourcesSchema,
  /** Size limit of the dump's emptyDir. */
  workspaceSize: size(),
  /** Size limit of the scratch database's emptyDir. */
  scratchSize: size(),
});

/** Alertmanager receivers; credentials live in the Secret `alertmanager-receivers`, never here. */
const receiversSchema = z.strictObject({
  pagerReceiver: nonEmpty(),
  chatReceiver: nonEmpty(),
  chatChannel: nonEmpty(),
  emailReceiver: nonEmpty(),
  emailTo: nonEmpty(),
  emailFrom: nonEmpty(),
  smtpSmarthost: nonEmpty(),
  smtpUsername: nonEmpty(),
  deadMansSwitchReceiver: nonEmpty(),
  deadMansSwitchUrl: nonEmpty(),
  deadMansSwitchAuthorizationType: nonEmpty().optional(),
});

/** Alerting of one environment: thresholds, which alerts are on, and where notifications go. */
const alertingSchema = z.strictObject({
  /** Thresholds of the seed alerts (`PlatformAlertThresholds`). */
  thresholds: z.strictObject({
    errorRatePercent: positive(),
    responseTimeP95: positiveDuration('Duration.seconds(2)'),
    averageResponseTime: positiveDuration('Duration.seconds(1)'),
    queueBacklogJobs: positive(),
    memoryUsagePercent: positive(),
    cpuUsagePercent: positive(),
    diskFreePercent: positive(),
    certificateExpiry: positiveDuration('Duration.days(7)'),
    paymentFailurePercent: positive(),
    cacheHitRatePercent: positive(),
    databaseConnections: positive(),
    cartAbandonmentPercent: positive(),
    replicationLag: positiveDuration('Duration.seconds(30)').optional(),
  }),
  /** Seed alerts switched off (names from PLATFORM_ALERT_NAMES). */
  disabledAlerts: z.array(oneOf(PLATFORM_ALERT_NAMES)).readonly(),
  /** Request rate per second above which a blue/green colour counts as serving (both serving = misrouted). */
  colourTrafficRequestsPerSecond: positive(),
  receivers: receiversSchema,
});

/** Anything that is a number; its range is judged with the other delivery rules (validate-delivery.ts). */
const number = () => checked<number>(typed('number', '0.001'));

/**
 * The verified switch: bake time, SLO thresholds and the hook Job's image and size (README "Progressive
 * delivery"). Ranges and relations are checked by validate-delivery.ts.
 */
const verifiedSwitchSchema = z.strictObject({
  /** How long the new colour is watched after the switch (seed 004: "stable for 15 minutes?"). */
  bakeTime: duration(),
  /** Time between two Prometheus queries during the bake. */
  checkInterval: duration(),
  /** Highest error ratio (5xx share, a fraction in (0, 1]) the new colour may show (seed 003: < 0.1 %). */
  errorRatioMax: number(),
  /** Highest 95th percentile response time the new colour may show (seed 003: < 200 ms). */
  latencyP95Max: duration(),
  /** Pinned image with `/bin/sh`, `curl`, `sed` and `awk` (curlimages/curl). */
  image: pinnedImage(),
  /** Requests and limits of the hook Job. */
  resources: resourcesSchema,
});

/** A canary release (Argo Rollouts) of the web tier: steps and analysis. */
const canarySchema = z.strictObject({
  /** Name of the canary app (Rollout `<name>`, Services `<name>-stable` and `<name>-canary`). */
  appName: checked<string>(checkDnsLabel),
  /** Tag of the web tier's image the Rollout runs; changing it starts a canary release. */
  imageTag: checked<string>((v) => checkImageTag(v, true)),
  /** Public host of the canary app's stable Ingress. */
  host: checked<string>(checkHostName),
  /** Traffic weights in percent, increasing, the last one 100; an analysis runs after every step but the last. */
  weightsPercent: z.array(number()).readonly(),
  /** Pause after each weight below 100, before its analysis (zero for none). */
  pause: duration(),
  /** Time between two measurements of an analysis. */
  analysisInterval: duration(),
  /** Measurements per analysis. */
  analysisCount: number(),
  /** Failed measurements an analysis tolerates; one more aborts the rollout. */
  analysisFailureLimit: number(),
  /** Highest error ratio (a fraction in (0, 1]) the canary may show. */
  errorRatioMax: number(),
  /** Highest 95th percentile response time the canary may show. */
  latencyP95Max: duration(),
  /** Pods of the Rollout. */
  replicas: number(),
});

/** Progressive delivery of the web tier (README "Progressive delivery"). */
export const deliverySchema = z.strictObject({
  /** Watch the new colour after a sync that switched it, and switch back on an SLO breach. */
  verifiedSwitch: verifiedSwitchSchema.optional(),
  /** Whether the Argo Rollouts controller (and its CRDs) runs in the cluster; a canary needs it. */
  argoRollouts: flag().optional(),
  /** A canary release (Argo Rollouts) of the web tier beside the blue/green Deployments. */
  canary: canarySchema.optional(),
});

/** One environment's complete configuration. */
export const environmentSchema = z.strictObject({
  /** Environment name; also the root of every construct path (`prod/Web/Laravel`). */
  name: oneOf(['dev', 'staging', 'prod'] as const),
  /** Namespace of the application (the seed's scripts use `ecommerce`). */
  namespace: checked<string>(checkDnsLabel),
  /** System name for `app.kubernetes.io/part-of`. */
  partOf: checked<string>(checkLabelValue),
  /** Whether every image must be a semantic version or digest (no moving tags). */
  requirePinnedImages: flag(),
  /** cert-manager issuer of the TLS certificate. */
  tlsIssuer: z.strictObject({ name: checked<string>(checkDnsSubdomain), kind: oneOf<IssuerKind>(['ClusterIssuer', 'Issuer']) }),
  /** IngressClass of the public Ingress. */
  ingressClassName: checked<string>(checkDnsSubdomain),
  /** ResourceQuota of the application namespace. */
  quota: quotaSchema,
  /** LimitRange defaults for containers that state no resources. */
  containerDefaults: resourcesSchema,
  /** The web tier. */
  web: webTierSchema,
  /** Monitoring: the mode and what it runs. */
  monitoring: monitoringSchema,
  /** Queue workers. */
  workers: workersSchema,
  /** The Laravel scheduler (one instance, the worker image). */
  scheduler: z.strictObject({ resources: resourcesSchema }),
  /** MySQL primary and replicas. */
  mysql: mysqlSchema,
  /** Redis. */
  redis: redisSchema,
  /** Cluster autoscaler add-on (seed 000); absent where the cluster is not ours to scale. */
  clusterAutoscaler: z.strictObject({
    /** Cloud provider flag (`aws`). */
    cloudProvider: nonEmpty(),
    /** Node-group auto-discovery flag value (`asg:tag=k8s.io/cluster-autoscaler/enabled,...`). */
    nodeGroupAutoDiscovery: nonEmpty(),
    resources: resourcesSchema,
  }).optional(),
  /**
   * The synth-time policy pass: rules whose findings are printed as warnings instead of failing synth.
   * Allowed only where images are not pinned (dev).
   */
  policy: z.strictObject({ warnings: z.array(oneOf<PolicyRuleId>(POLICY_RULE_IDS)).readonly() }),
  /** Peers of the NetworkPolicies. */
  network: networkSchema,
  /** Database backups. */
  backup: backupSchema,
  /** Alert thresholds and routing. */
  alerting: alertingSchema,
  /** Where Argo CD finds the manifests and how it syncs them (`dist/argocd/`, README "GitOps"). */
  gitops: z.strictObject({
    /** Git repository holding the committed `dist/` (Argo CD `spec.source.repoURL`). */
    repoUrl: url(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'an https, ssh or git@ URL'),
    /** Branch, tag or commit Argo CD deploys (`spec.source.targetRevision`). */
    targetRevision: checked<string>(checkGitRevision),
    /** Folder of this environment's manifests in the repository: always `dist/<name>`. */
    path: text('"dist/prod"'),
    /** Automated sync with prune and self-heal; off means a person presses Sync (seed 004's approval gate). */
    automatedSync: flag(),
    /** Argo CD's destination cluster and the kubectl context the preflight script expects. */
    cluster: checked<string>(checkDnsLabel),
  }),
  /** The deploy hook Jobs of the web tier: migration, cache warm-up and smoke tests (README "Deploy hooks"). */
  deployHooks: z.strictObject({
    /** Requests and limits of the migration and cache warm-up Jobs (they run the app image). */
    resources: resourcesSchema,
    /** Requests and limits of the smoke test Job. */
    smokeTestResources: resourcesSchema,
    /** Pinned image with `curl` that runs the smoke tests. */
    smokeTestImage: pinnedImage(),
  }),
  /** Chaos experiments (Chaos Mesh); absent where none run (only staging runs them). */
  chaos: z.strictObject({
    /** How long the seed's pod-failure experiment keeps one web pod failed (whole seconds, at most an hour). */
    podFailureDuration: checked<Duration>((v) => {
      const seconds = v instanceof Duration ? v.toMilliseconds() / 1000 : NaN;
      return Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600 ? undefined
        : `must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got ${v instanceof Duration ? `${seconds}s` : show(v)}`;
    }),
  }).optional(),
  /** Progressive delivery; absent where a switch is a plain selector change (dev). */
  delivery: deliverySchema.optional(),
});

/** What a release changes: the live colour and the images (`releases.ts`, rewritten by promote and rollback). */
export const releaseStateSchema = z.strictObject({
  /** Colour the live Service selects. */
  liveColour: oneOf<Colour>(COLOURS),
  /** Tag the blue Deployment runs. */
  blueImageTag: imageTag(),
  /** Tag the green Deployment runs. */
  greenImageTag: imageTag(),
  /** Tag the queue workers and scheduler run; it follows the live colour's tag at a promote or rollback. */
  workersImageTag: imageTag(),
});
