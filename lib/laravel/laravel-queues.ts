/**
 * Where Laravel keeps its Redis queues, and how a worker process proves it can work without a heartbeat.
 */

/**
 * Laravel's default Redis key prefix (`config/database.php`: `REDIS_PREFIX`, else the slug of `APP_NAME`
 * — `laravel` when unset — followed by `_database_`). The web tier sets `REDIS_PREFIX` to it explicitly, so
 * the app, the scaler and the exporter agree on the keys whatever `APP_NAME` says.
 */
export const LARAVEL_REDIS_PREFIX = 'laravel_database_';

/**
 * Prefix of a queue's pending-jobs list: Laravel's Redis queue pushes job payloads onto the list
 * `queues:<name>` (delayed and reserved jobs wait in the sorted sets `queues:<name>:delayed` and
 * `:reserved`), and the Redis connection prepends its prefix to every key.
 */
export function laravelQueueListKeyPrefix(redisPrefix: string = LARAVEL_REDIS_PREFIX): string {
  return `${redisPrefix}queues:`;
}

/** The Redis list keys of the pending jobs of `queues`, in order. */
export function laravelQueueListKeys(queues: readonly string[], redisPrefix: string = LARAVEL_REDIS_PREFIX): string[] {
  return queues.map((queue) => `${laravelQueueListKeyPrefix(redisPrefix)}${queue}`);
}

/** Heartbeat files an app image may write (README "Workers": the `Looping` listener and the scheduled `touch`). */
export const LARAVEL_HEARTBEAT_FILES = {
  /** Touched by a listener on `Illuminate\Queue\Events\Looping`. */
  queueWorker: '/tmp/queue-worker-heartbeat',
  /** Touched by a task the app schedules every minute. */
  scheduler: '/tmp/scheduler-heartbeat',
} as const;

/**
 * Probe command for a Laravel process without a heartbeat: PHP starts and the Redis server in
 * `REDIS_HOST`:`REDIS_PORT` (from the app's ConfigMap) accepts a connection within 3 s. Every running
 * worker and scheduler satisfies it; it fails when the container can no longer reach what it works from.
 */
export const LARAVEL_REDIS_REACHABLE_COMMAND: readonly string[] = [
  'php', '-r',
  '$s = @fsockopen(getenv("REDIS_HOST") ?: "127.0.0.1", (int) (getenv("REDIS_PORT") ?: 6379), $errno, $error, 3); exit($s === false ? 1 : 0);',
];
