/**
 * Staging: production-like, smaller, runs the chaos experiments.
 */
import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { SEED_ALERT_THRESHOLDS } from '../../lib/laravel/platform-alerts';

import { HOTFIXES, RELEASES } from './releases';
import { APP_IDENTITY, BACKUP_SMALL, GIT_REPOSITORY, IMAGE_REPOSITORY, KUBE_PROMETHEUS_STACK, OPERATOR_NETWORK, PRODUCTION_LIKE_CONTAINER_DEFAULTS, receivers, RUNBOOKS, SMOKE_TEST_IMAGE, SMOKE_TEST_RESOURCES, STAGING_MONITORING, VERIFIED_SWITCH, VERIFY_SMALL, VPN_EGRESS, webRelease, WORKER_IMAGE_REPOSITORY, WORKER_QUEUES } from './shared';
import { EnvironmentConfig } from './types';

export const staging = {
  name: 'staging',
  ...APP_IDENTITY,
  requirePinnedImages: true,
  gitops: { repoUrl: GIT_REPOSITORY, targetRevision: 'main', path: 'dist/staging', automatedSync: true, cluster: 'staging-cluster' },
  deployHooks: { resources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(192), memoryLimit: Size.mebibytes(384) }, smokeTestResources: SMOKE_TEST_RESOURCES, smokeTestImage: SMOKE_TEST_IMAGE },
  // Seed 000's chaos experiment: one web pod failed for a minute, in staging only.
  chaos: { podFailureDuration: Duration.seconds(60) },
  tlsIssuer: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(8),
    limitsCpu: Cpu.units(16),
    requestsMemory: Size.gibibytes(16),
    limitsMemory: Size.gibibytes(32),
    pods: 50,
  },
  containerDefaults: PRODUCTION_LIKE_CONTAINER_DEFAULTS,
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    ...webRelease(RELEASES.staging, HOTFIXES.staging),
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
    // Seed 004: VPN and SSO (the oauth2-proxy in front of the company's identity provider).
    access: {
      allowSourceRanges: VPN_EGRESS,
      externalAuth: { url: 'https://auth.example.com/oauth2/auth', signinUrl: 'https://auth.example.com/oauth2/start?rd=https://$host$escaped_request_uri' },
    },
  },
  workers: {
    imageRepository: WORKER_IMAGE_REPOSITORY,
    imageTag: RELEASES.staging.workersImageTag,
    queues: WORKER_QUEUES,
    // Nothing proves the image writes the heartbeat files yet: the probes check PHP and Redis instead.
    imageWritesHeartbeats: { queueWorker: false, scheduler: false },
    jobTimeout: Duration.minutes(2),
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
    preSyncBackup: false,
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '2' }),
    verificationSchedule: Cron.schedule({ minute: '0', hour: '5', weekDay: '1' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    bucket: 'ecommerce-backups-staging',
    region: 'us-east-1',
    retention: Duration.days(14),
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
  delivery: {
    // Staging releases more often: a shorter bake, the same thresholds.
    verifiedSwitch: { ...VERIFIED_SWITCH, bakeTime: Duration.minutes(5) },
    argoRollouts: true,
    // Seed 004's production stage rehearsed on staging, beside the blue/green web tier and its verified switch:
    // the web tier's next release as a canary at its own host (behind the same VPN and login), 10 % -> analysis
    // -> 50 % -> analysis -> 100 %, judged by the same SLOs as the verified switch.
    canary: {
      appName: 'laravel-canary',
      imageTag: 'v1.4.0-rc.1',
      host: 'canary.staging.shop.example.com',
      weightsPercent: [10, 50, 100],
      pause: Duration.minutes(2),
      analysisInterval: Duration.minutes(1),
      analysisCount: 5,
      analysisFailureLimit: 1,
      errorRatioMax: 0.001,
      latencyP95Max: Duration.millis(200),
      replicas: 2,
    },
  },
} satisfies EnvironmentConfig;
