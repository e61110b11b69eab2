/**
 * Everything that differs between dev, staging and prod, in one typed file.
 *
 * Stacks read these values and pass them to constructs as props; nothing else in the repository branches
 * on an environment's name. Seed 004's environment matrix is the starting point (replicas, resources, log
 * level, debug mode); seed 000 gives production's sizes, probes, images and HPA.
 */
import { Cron, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BlueGreenAutoscaling, COLOURS, Colour } from '../lib/blue-green-app';
import { DATABASE_ENGINES, DatabaseEngine } from '../lib/backup-cron-job';
import { checkCronSchedule } from '../lib/internal/cron';
import { ContainerResourceSpec, checkResources } from '../lib/container-resources';
import { NamespaceQuota } from '../lib/app-namespace';
import { IssuerKind } from '../lib/tls-ingress';
import { ValidationError } from '../lib/internal/errors';
import { checkDnsLabel, checkHostName, checkImageTag, checkInteger, checkNonEmpty, checkOneOf, checkReplicaBounds } from '../lib/internal/checks';

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

  /** Database backups. */
  readonly backup: BackupConfig;
}

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
/** kube-prometheus-stack installed as release `kube-prometheus-stack` picks up objects labelled so. */
const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

const dev: EnvironmentConfig = {
  name: 'dev',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: false,
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
    blueImageTag: 'main',
    greenImageTag: 'main',
    liveColour: 'blue',
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
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
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
};

const staging: EnvironmentConfig = {
  name: 'staging',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
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
    blueImageTag: 'v1.3.0',
    greenImageTag: 'v1.4.0-rc.1',
    liveColour: 'green',
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
  // Staging runs the shared kube-prometheus-stack, so operator mode is exercised before anyone needs it.
  monitoring: { mode: 'operator', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
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
};

const prod: EnvironmentConfig = {
  name: 'prod',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
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
    // Seed 000: blue serves v1.2.3, green holds v1.3.0 ready for the switch.
    blueImageTag: 'v1.2.3',
    greenImageTag: 'v1.3.0',
    liveColour: 'blue',
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
  // The seed's validation script checks prometheus-server, grafana and loki Deployments in `monitoring`.
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
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
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
}
