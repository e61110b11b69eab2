/**
 * Prod: seed 000's sizes, probes and images.
 */
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { SEED_ALERT_THRESHOLDS } from '../../lib/laravel/platform-alerts';

import { HOTFIXES, RELEASES } from './releases';
import { APP_IDENTITY, GIT_REPOSITORY, IMAGE_REPOSITORY, NETWORK, PROD_MONITORING, PRODUCTION_LIKE_CONTAINER_DEFAULTS, receivers, RUNBOOKS, SMOKE_TEST_IMAGE, SMOKE_TEST_RESOURCES, VERIFIED_SWITCH, webRelease, WORKER_IMAGE_REPOSITORY, WORKER_QUEUES } from './shared';
import { EnvironmentConfig } from './types';

export const prod = {
  name: 'prod',
  ...APP_IDENTITY,
  requirePinnedImages: true,
  // Manual sync: a person reviews the diff in Argo CD and presses Sync (seed 004's approval gate).
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/prod', automatedSync: false, cluster: 'production-cluster' },
  deployHooks: { resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) }, smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
  tlsIssuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(16),
    limitsCpu: Cpu.units(32),
    requestsMemory: Size.gibibytes(32),
    limitsMemory: Size.gibibytes(64),
    pods: 100,
  },
  containerDefaults: PRODUCTION_LIKE_CONTAINER_DEFAULTS,
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    // Seed 000: blue serves v1.2.3, green holds v1.3.0 ready for the switch (RELEASES above).
    ...webRelease(RELEASES.prod, HOTFIXES.prod),
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
    // Seed 004: the public internet.
    access: { allowSourceRanges: [] },
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.prod.workersImageTag,
    queues: WORKER_QUEUES,
    // Nothing proves the image writes the heartbeat files yet: the probes check PHP and Redis instead.
    imageWritesHeartbeats: { queueWorker: false, scheduler: false },
    // Longest job (order export) runs about 4 minutes; the grace period follows.
    jobTimeout: Duration.minutes(5),
    // Seed 001's worker resources.
    resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
    // Seed 000's laravel-worker-hpa: 1-5 workers at 100 waiting jobs each (summed over the drained queues).
    autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5, jobsPerPod: 100 },
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
    preSyncBackup: true,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '*/6' }),
    verificationSchedule: Cron.schedule({ minute: '30', hour: '3', weekDay: '0' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups',
    region: 'us-east-1',
    retention: Duration.days(30),
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
  monitoring: { mode: 'standalone', runbookBaseUrl: RUNBOOKS, stack: PROD_MONITORING },
  alerting: {
    thresholds: SEED_ALERT_THRESHOLDS,
    disabledAlerts: [],
    colourTrafficRequestsPerSecond: 1,
    // Seed 000's channel.
    receivers: receivers('prod', '#production-alerts'),
  },
  // Seed 004: every switch is watched for 15 minutes and reverted on an SLO breach.
  delivery: { verifiedSwitch: VERIFIED_SWITCH },
} satisfies EnvironmentConfig;
