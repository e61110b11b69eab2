import { Construct } from 'constructs';
import { checkResources, memoryToKibibytes } from '../core/container-resources';
import { ValidationError, show } from '../core/errors';
import { checkInteger, checkNonEmpty } from '../core/checks';
import { QueueWorker, QueueWorkerProps } from '../workers/queue-worker';
import { LARAVEL_WRITABLE_PATHS } from './laravel-defaults';
import { LARAVEL_REDIS_REACHABLE_COMMAND } from './laravel-queues';

/** Props of {@link addLaravelQueueWorker}: a {@link QueueWorker}'s, with `queue:work`'s flags instead of a command. */
export interface LaravelQueueWorkerProps extends Omit<QueueWorkerProps, 'command' | 'pollIntervalSeconds' | 'writablePaths'> {
  /**
   * Queue connection `queue:work` reads from.
   *
   * @default 'redis'
   */
  readonly connection?: string;

  /**
   * Attempts per job before it is failed (`--tries`).
   *
   * @default 3
   */
  readonly tries?: number;

  /**
   * Seconds after which a worker exits after its current job, to be replaced fresh (`--max-time`).
   *
   * @default 3600 (restart every hour against memory leaks)
   */
  readonly maxTimeSeconds?: number;

  /**
   * MiB of memory after which the worker exits after its current job (`--memory`); at most the memory limit.
   *
   * @default 512
   */
  readonly memoryMiB?: number;

  /**
   * Seconds to sleep when no job is waiting (`--sleep`).
   *
   * @default 3
   */
  readonly sleepSeconds?: number;

  /**
   * Seconds to wait before each retry of a failed job (`--backoff`).
   *
   * @default [10, 30, 60]
   */
  readonly backoffSeconds?: number[];
}

/**
 * Laravel queue workers: a {@link QueueWorker} `id` under `scope` running `php artisan queue:work` with typed
 * flags (`--timeout` from `jobTimeoutSeconds`), writing to Laravel's run-time paths. Without a `heartbeatFile`
 * (which the image writes from a `Looping` event listener, README "Workers") the probes run
 * {@link LARAVEL_REDIS_REACHABLE_COMMAND} unless `healthCommand` says otherwise.
 *
 * @throws ValidationError naming the flag at `<scope path>/<id>`
 */
export function addLaravelQueueWorker(scope: Construct, id: string, props: LaravelQueueWorkerProps): QueueWorker {
  const where = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) {
      throw new ValidationError(where, field, problem);
    }
  };
  const connection = props.connection ?? 'redis';
  const tries = props.tries ?? 3;
  const jobTimeout = props.jobTimeoutSeconds ?? 60;
  const maxTime = props.maxTimeSeconds ?? 3600;
  const memory = props.memoryMiB ?? 512;
  const sleep = props.sleepSeconds ?? 3;
  const backoff = props.backoffSeconds ?? [10, 30, 60];
  check('connection', checkNonEmpty(connection));
  check('tries', checkInteger(tries, 1));
  check('maxTimeSeconds', checkInteger(maxTime, 0));
  check('memoryMiB', checkInteger(memory, 1));
  // Bad resources are the QueueWorker's to report.
  const limitMiB = checkResources(props.resources) !== undefined ? undefined : memoryToKibibytes(props.resources.memoryLimit) / 1024;
  if (limitMiB !== undefined && memory > limitMiB) {
    // The worker would be OOM-killed mid-job before its own limit ever made it exit cleanly.
    check('memoryMiB', `must not exceed the container memory limit (${limitMiB} MiB), got ${memory}`);
  }
  check('sleepSeconds', checkInteger(sleep, 0));
  if (!Array.isArray(backoff)) {
    check('backoffSeconds', `must be a list of seconds, got ${show(backoff)}`);
  }
  backoff.forEach((b, i) => check(`backoffSeconds[${i}]`, checkInteger(b, 0)));
  const queues = Array.isArray(props.queues) ? props.queues : [];
  return new QueueWorker(scope, id, {
    ...props,
    command: [
      'php', 'artisan', 'queue:work', connection,
      `--queue=${queues.join(',')}`,
      `--tries=${tries}`,
      `--timeout=${jobTimeout}`,
      `--max-time=${maxTime}`,
      `--memory=${memory}`,
      `--sleep=${sleep}`,
      ...(backoff.length > 0 ? [`--backoff=${backoff.join(',')}`] : []),
    ],
    pollIntervalSeconds: sleep,
    healthCommand: props.healthCommand ?? [...LARAVEL_REDIS_REACHABLE_COMMAND],
    writablePaths: LARAVEL_WRITABLE_PATHS,
  });
}
