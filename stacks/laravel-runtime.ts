import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SecretKeyReference } from '../lib/core/secret-references';
import { EnvironmentConfig } from './config';

/** What every Laravel process of an environment (web pods, workers, the scheduler) runs with. */
export interface LaravelRuntime {
  /** Plain environment variables (seed 000's, values from the environment configuration). */
  readonly env: Record<string, string>;

  /** Variables read from Secret keys. */
  readonly secretEnv: Record<string, SecretKeyReference>;

  /** Seed 000's `laravel-secrets`, which the processes also load whole (`envFrom`). */
  readonly laravelSecrets: kplus.ISecret;

  /** Secret `redis-password` (key `password`). */
  readonly redisPassword: kplus.ISecret;
}

/**
 * The Laravel runtime environment, referencing seed 000's Secrets (created outside this repository) from
 * `scope`. Only processes that verify Stripe webhooks (the web tier) get the webhook secret.
 */
export function laravelRuntime(scope: Construct, config: EnvironmentConfig, options: { readonly stripeWebhooks: boolean }): LaravelRuntime {
  const laravelSecrets = kplus.Secret.fromSecretName(scope, 'LaravelSecrets', 'laravel-secrets');
  const stripeKeys = kplus.Secret.fromSecretName(scope, 'StripeApiKeys', 'stripe-api-keys');
  const redisPassword = kplus.Secret.fromSecretName(scope, 'RedisPassword', 'redis-password');
  const s3Credentials = kplus.Secret.fromSecretName(scope, 'S3Credentials', 's3-credentials');
  return {
    env: {
      APP_ENV: config.web.appEnv,
      APP_DEBUG: String(config.web.appDebug),
      // stderr rather than the seed's `stack`: the root filesystem is read-only and the log shipper reads
      // container output, so a log file would only fill the emptyDir.
      LOG_CHANNEL: 'stderr',
      DB_CONNECTION: 'mysql',
      CACHE_DRIVER: 'redis',
      QUEUE_CONNECTION: 'redis',
    },
    secretEnv: {
      APP_KEY: { secret: laravelSecrets, key: 'app-key' },
      DB_HOST: { secret: laravelSecrets, key: 'db-host' },
      DB_USERNAME: { secret: laravelSecrets, key: 'db-user' },
      DB_PASSWORD: { secret: laravelSecrets, key: 'db-password' },
      REDIS_PASSWORD: { secret: redisPassword, key: 'password' },
      STRIPE_SECRET: { secret: stripeKeys, key: 'secret-key' },
      ...(options.stripeWebhooks ? { STRIPE_WEBHOOK_SECRET: { secret: stripeKeys, key: 'webhook-secret' } } : {}),
      AWS_ACCESS_KEY_ID: { secret: s3Credentials, key: 'access-key-id' },
      AWS_SECRET_ACCESS_KEY: { secret: s3Credentials, key: 'secret-access-key' },
    },
    laravelSecrets,
    redisPassword,
  };
}
