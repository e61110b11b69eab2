/**
 * Dev: small, short-lived, debug logging.
 */
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { SEED_ALERT_THRESHOLDS } from '../../lib/laravel/platform-alerts';

import { HOTFIXES, RELEASES } from './releases';
import { APP_IDENTITY, BACKUP_SMALL, DEV_MONITORING, GIT_REPOSITORY, IMAGE_REPOSITORY, NETWORK, receivers, RUNBOOKS, SMOKE_TEST_IMAGE, SMOKE_TEST_RESOURCES, VERIFY_SMALL, VPN_EGRESS, webRelease, WORKER_IMAGE_REPOSITORY, WORKER_QUEUES } from './shared';
import { EnvironmentConfig } from './types';

export const dev = {
  name: 'dev',
  ...APP_IDENTITY,
  requirePinnedImages: false,
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/dev', automatedSync: true, cluster: 'dev-cluster' },
  deployHooks: { resources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) }, smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
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
    ...webRelease(RELEASES.dev, HOTFIXES.dev),
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
    // Seed 004: VPN and basic auth for all developers (Secret `dev-basic-auth`, htpasswd under key `auth`).
    access: { allowSourceRanges: VPN_EGRESS, basicAuthSecret: 'dev-basic-auth' },
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.dev.workersImageTag,
    queues: WORKER_QUEUES,
    // Nothing proves the image writes the heartbeat files yet: the probes check PHP and Redis instead.
    imageWritesHeartbeats: { queueWorker: false, scheduler: false },
    jobTimeout: Duration.seconds(60),
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
    preSyncBackup: false,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '2' }),
    verificationSchedule: Cron.schedule({ minute: '0', hour: '5', weekDay: '1' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups-dev',
    region: 'us-east-1',
    endpoint: 'http://minio.storage.svc.cluster.local:9000',
    retention: Duration.days(7),
    rowCountTolerancePercent: 5,
    resources: BACKUP_SMALL,
    verificationResources: VERIFY_SMALL,
    workspaceSize: Size.gibibytes(2),
    scratchSize: Size.gibibytes(5),
  },
  monitoring: { mode: 'standalone', runbookBaseUrl: RUNBOOKS, stack: DEV_MONITORING },
  alerting: {
    // One small pod per colour under debug logging: tolerate more before anyone is bothered.
    thresholds: { ...SEED_ALERT_THRESHOLDS, errorRatePercent: 20, responseTimeP95: Duration.seconds(5), averageResponseTime: Duration.seconds(3) },
    // No real customers: payments, orders and carts are test traffic.
    disabledAlerts: ['PaymentFailureSpike', 'NoOrdersProcessed', 'HighCartAbandonmentRate'],
    colourTrafficRequestsPerSecond: 5,
    receivers: receivers('dev', '#dev-alerts'),
  },
} satisfies EnvironmentConfig;
