import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LabelKeys } from '../lib/core/labels';
import { LARAVEL_HEARTBEAT_FILES, LaravelScheduler, laravelQueueListKeyPrefix } from '../lib/laravel';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { QueueWorker } from '../lib/workers/queue-worker';
import { addLaravelQueueWorker } from '../lib/laravel';
import { EnvironmentConfig } from './config';
import { laravelRuntime } from './laravel-runtime';

/** Props of {@link WorkersStack}. */
export interface WorkersStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;
}

/**
 * The background tier of one environment (`workers.k8s.yaml`): queue workers `laravel-worker` with their
 * HPA, and the single Laravel scheduler. Both run the worker image with the web tier's configuration.
 */
export class WorkersStack extends Chart {
  /** Queue workers. */
  public readonly worker: QueueWorker;

  /** The scheduler. */
  public readonly scheduler: LaravelScheduler;

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    const w = config.workers;
    const appName = config.web.appName;

    // Rendered by the web tier chart; referenced by name.
    const appConfig = kplus.ConfigMap.fromConfigMapName(this, 'AppConfig', `${appName}-config`);
    const runtime = laravelRuntime(this, config, { stripeWebhooks: false });
    const common = {
      appName,
      partOf: config.partOf,
      imageRepository: w.imageRepository,
      imageTag: w.imageTag,
      requirePinnedImages: config.requirePinnedImages,
      env: runtime.env,
      secretEnv: runtime.secretEnv,
      envFromConfigMaps: [appConfig],
      envFromSecrets: [runtime.laravelSecrets],
    };

    this.worker = addLaravelQueueWorker(this, 'Worker', {
      ...common,
      name: `${appName}-worker`,
      resources: w.resources,
      queues: w.queues,
      jobTimeout: w.jobTimeout,
      replicas: w.replicas,
      autoscaling: w.autoscaling,
      heartbeatFile: w.imageWritesHeartbeats.queueWorker ? LARAVEL_HEARTBEAT_FILES.queueWorker : undefined,
      // The web tier's Redis (Service `redis`, REDIS_PREFIX), as KEDA's operator in its own namespace reaches it.
      queueBackend: {
        address: `redis.${config.namespace}.svc:6379`,
        password: { secret: runtime.redisPassword, key: 'password' },
        listKeyPrefix: laravelQueueListKeyPrefix(),
      },
    });
    this.scheduler = new LaravelScheduler(this, 'Scheduler', {
      ...common,
      name: `${appName}-scheduler`,
      resources: config.scheduler.resources,
      heartbeatFile: w.imageWritesHeartbeats.scheduler ? LARAVEL_HEARTBEAT_FILES.scheduler : undefined,
    });

    // Workers and the scheduler run the app's code: they reach what the web tier reaches, minus the
    // ingress (NetworkPolicies are derived from these declarations).
    const network = NetworkConnections.of(this);
    const mysql = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql' });
    const redis = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'redis' });
    const https = NetworkPeer.cidr(config.network.externalHttps.cidr, config.network.externalHttps.except);
    for (const workload of [this.worker, this.scheduler]) {
      const pods = NetworkPeer.pods(config.namespace, workload.selector);
      network.allow(workload, { from: pods, to: mysql, port: 3306, reason: 'jobs read and write orders in MySQL' });
      network.allow(workload, { from: pods, to: redis, port: 6379, reason: 'queues, cache and locks in Redis' });
      network.allow(workload, { from: pods, to: https, port: 443, reason: 'Stripe API and S3 over HTTPS' });
    }
    if (this.worker.scaler !== undefined) {
      const keda = config.network.kedaOperator;
      network.allow(this.worker.scaler, {
        from: NetworkPeer.podsInNamespaces(keda.namespaceLabels, keda.podLabels), to: redis, port: 6379, reason: 'KEDA reads the queue lengths',
      });
    }
  }
}
