import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LabelKeys } from '../lib/labels';
import { LaravelScheduler } from '../lib/laravel-scheduler';
import { NetworkConnections, NetworkPeer } from '../lib/network-connections';
import { QueueWorker } from '../lib/queue-worker';
import { SecretKeyReference } from '../lib/secret-references';
import { EnvironmentConfig } from './environments';

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
    const laravelSecrets = kplus.Secret.fromSecretName(this, 'LaravelSecrets', 'laravel-secrets');
    const stripeKeys = kplus.Secret.fromSecretName(this, 'StripeApiKeys', 'stripe-api-keys');
    const redisPassword = kplus.Secret.fromSecretName(this, 'RedisPassword', 'redis-password');
    const s3Credentials = kplus.Secret.fromSecretName(this, 'S3Credentials', 's3-credentials');
    const secretEnv: Record<string, SecretKeyReference> = {
      APP_KEY: { secret: laravelSecrets, key: 'app-key' },
      DB_HOST: { secret: laravelSecrets, key: 'db-host' },
      DB_USERNAME: { secret: laravelSecrets, key: 'db-user' },
      DB_PASSWORD: { secret: laravelSecrets, key: 'db-password' },
      REDIS_PASSWORD: { secret: redisPassword, key: 'password' },
      STRIPE_SECRET: { secret: stripeKeys, key: 'secret-key' },
      AWS_ACCESS_KEY_ID: { secret: s3Credentials, key: 'access-key-id' },
      AWS_SECRET_ACCESS_KEY: { secret: s3Credentials, key: 'secret-access-key' },
    };
    const env = {
      APP_ENV: config.web.appEnv,
      APP_DEBUG: String(config.web.appDebug),
      LOG_CHANNEL: 'stderr',
      DB_CONNECTION: 'mysql',
      CACHE_DRIVER: 'redis',
      QUEUE_CONNECTION: 'redis',
    };
    const common = {
      appName,
      partOf: config.partOf,
      imageRepository: w.imageRepository,
      imageTag: w.imageTag,
      requirePinnedImages: config.requirePinnedImages,
      env,
      secretEnv,
      envFromConfigMaps: [appConfig],
      envFromSecrets: [laravelSecrets],
    };

    this.worker = new QueueWorker(this, 'Worker', {
      ...common,
      name: `${appName}-worker`,
      resources: w.resources,
      queues: w.queues,
      jobTimeoutSeconds: w.jobTimeoutSeconds,
      replicas: w.replicas,
      autoscaling: w.autoscaling,
    });
    this.scheduler = new LaravelScheduler(this, 'Scheduler', {
      ...common,
      name: `${appName}-scheduler`,
      resources: config.scheduler.resources,
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
  }
}
