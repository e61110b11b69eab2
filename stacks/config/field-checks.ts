/**
 * The type and syntax of every field of an environment's configuration, checked at load whatever wrote the
 * config (TypeScript, JavaScript, a cast): a string where a boolean, `Size`, `Cpu` or `Duration` belongs,
 * a NaN, a misspelled time zone or enum value fails here with the field as written, before any construct
 * sees it. Each field reuses the check of the construct that consumes it, so both layers agree.
 */
import { checkAlertmanagerReceivers } from '../../lib/alerting/alertmanager-routing';
import { DATABASE_ENGINES } from '../../lib/backup/backup-cron-job';
import { checkNamespaceQuota } from '../../lib/core/app-namespace';
import {
  Check, checkArrayOf, checkBoolean, checkCronObject, checkDnsLabel, checkDnsSubdomain, checkGitRevision, checkImageRepository, checkImageTag, checkLabelName, checkLabels, checkNonEmpty, checkNumber, checkPositive, checkRecordOf, checkShape, checkSize, checkString, checkTimeSpan, checkTimeZone, findProblem, integer, oneOf, optional, Rules,
} from '../../lib/core/checks';
import { checkResourceSpec } from '../../lib/core/container-resources';
import { MYSQL_ENGINES } from '../../lib/data/mysql-cluster';
import { checkAlertThresholds } from '../../lib/laravel/platform-alerts';
import { checkJaegerStorage } from '../../lib/observability/jaeger-server';
import { checkPodPeer } from '../../lib/safety/network-connections';
import { COLOURS, checkBlueGreenAutoscaling } from '../../lib/web/blue-green-app';
import { checkQueueWorkerScaling } from '../../lib/workers/queue-worker';
import { LOG_LEVELS, MONITORING_MODES } from './types';

const REDIS_POLICIES = ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'volatile-ttl'] as const;

const sized = (extra: Rules = {}): Check => checkShape({ storageSize: checkSize, resources: checkResourceSpec, ...extra });

const MONITORING_STACK: Check = checkShape({
  images: checkRecordOf(checkNonEmpty, checkString),
  storageClassName: optional(checkDnsSubdomain),
  prometheus: sized({ retentionTime: checkString }),
  alertmanager: sized(),
  grafana: sized(),
  exporterResources: checkResourceSpec,
  kubeStateMetricsResources: checkResourceSpec,
  namespaceQuota: checkNamespaceQuota,
  mysqlAddress: checkString,
  loki: sized({ retentionPeriod: (v) => checkTimeSpan(v) }),
  alloyResources: checkResourceSpec,
  jaeger: checkShape({ resources: checkResourceSpec, storage: checkJaegerStorage }),
  operatorPrometheusUrl: checkString,
});

/** Every field of {@link EnvironmentConfig}, by the type it must have. */
export const ENVIRONMENT_FIELD_RULES: Rules = {
  name: checkString,
  namespace: checkDnsLabel,
  partOf: checkLabelName,
  requirePinnedImages: checkBoolean,
  tlsIssuer: checkShape({ name: checkDnsSubdomain, kind: oneOf(['ClusterIssuer', 'Issuer']) }),
  ingressClassName: checkDnsSubdomain,
  quota: checkNamespaceQuota,
  containerDefaults: checkResourceSpec,
  web: checkShape({
    appName: checkDnsLabel,
    imageRepository: checkImageRepository,
    blueImageTag: (v) => checkImageTag(v, false),
    greenImageTag: (v) => checkImageTag(v, false),
    liveColour: oneOf(COLOURS),
    idleReplicas: integer(1),
    replicas: optional(integer(1)),
    autoscaling: optional(checkBlueGreenAutoscaling),
    resources: checkResourceSpec,
    appEnv: checkNonEmpty,
    appDebug: checkBoolean,
    logLevel: oneOf(LOG_LEVELS),
    host: checkString,
  }),
  monitoring: checkShape({
    mode: oneOf(MONITORING_MODES),
    operatorSelector: checkLabels,
    runbookBaseUrl: checkString,
    stack: MONITORING_STACK,
  }),
  workers: checkShape({
    imageRepository: checkImageRepository,
    imageTag: (v) => checkImageTag(v, false),
    queues: checkArrayOf(checkNonEmpty, { nonEmpty: true }),
    jobTimeoutSeconds: integer(1),
    resources: checkResourceSpec,
    replicas: optional(integer(1)),
    autoscaling: optional(checkQueueWorkerScaling),
  }),
  scheduler: checkShape({ resources: checkResourceSpec }),
  mysql: checkShape({
    engine: oneOf(MYSQL_ENGINES),
    replicas: integer(0, 9),
    storage: checkSize,
    storageClassName: checkDnsSubdomain,
    resources: checkResourceSpec,
    primaryBufferPool: checkSize,
    replicaBufferPool: checkSize,
    primaryMaxConnections: integer(1),
    replicaMaxConnections: integer(1),
  }),
  redis: checkShape({
    storage: checkSize,
    storageClassName: checkDnsSubdomain,
    resources: checkResourceSpec,
    maxMemory: checkSize,
    maxMemoryPolicy: oneOf(REDIS_POLICIES),
  }),
  clusterAutoscaler: optional(checkShape({ cloudProvider: checkNonEmpty, nodeGroupAutoDiscovery: checkNonEmpty, resources: checkResourceSpec })),
  policy: checkShape({ warnings: checkArrayOf(checkString) }),
  network: checkShape({
    ingressController: checkPodPeer,
    prometheus: checkPodPeer,
    externalHttps: checkShape({ cidr: checkString, except: checkArrayOf(checkString) }),
    clusterNodesCidr: checkString,
  }),
  backup: checkShape({
    enabled: checkBoolean,
    engine: oneOf(DATABASE_ENGINES),
    schedule: checkCronObject,
    verificationSchedule: checkCronObject,
    timeZone: checkTimeZone,
    databaseName: checkNonEmpty,
    bucket: checkString,
    region: checkString,
    endpoint: optional(checkString),
    retentionDays: integer(1),
    rowCountTolerancePercent: integer(0, 100),
    resources: checkResourceSpec,
    verificationResources: checkResourceSpec,
    workspaceSize: checkSize,
    scratchSize: checkSize,
  }),
  alerting: checkShape({
    thresholds: checkAlertThresholds,
    disabledAlerts: checkArrayOf(checkString),
    colourTrafficRequestsPerSecond: checkPositive,
    receivers: checkAlertmanagerReceivers,
  }),
  gitops: checkShape({
    repoUrl: checkString,
    targetRevision: checkGitRevision,
    path: checkString,
    automatedSync: checkBoolean,
    cluster: checkDnsLabel,
  }),
  deployHooks: checkShape({ resources: checkResourceSpec, smokeTestResources: checkResourceSpec, smokeTestImage: checkString }),
  chaos: optional(checkShape({ podFailureDurationSeconds: (v) => checkNumber(v) })),
};

/** The first field of `config` whose type or syntax is wrong, as `field` and `problem`. */
export function findConfigProblem(config: unknown): { field: string; problem: string } | undefined {
  return findProblem(config, ENVIRONMENT_FIELD_RULES);
}
