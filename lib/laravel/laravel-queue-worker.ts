import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkResources, memoryToKibibytes } from '../core/container-resources';
import { ValidationError, show } from '../core/errors';
import { checkInteger, checkNonEmpty, checkTimeSpan } from '../core/checks';
import { QueueWorker, QueueWorkerProps } from '../workers/queue-worker';
import { LARAVEL_WRITABLE_PATHS } from './laravel-defaults';
import { LARAVEL_REDIS_REACHABLE_COMMAND } from './laravel-queues';

/** Props of {@link addLaravelQueueWorker}: a {@link QueueWorker}'s, with `queue:work`'s flags instead of a command. */
export interface LaravelQueueWorkerProps extends Omit<QueueWorkerProps, 'command' | 'pollInterval' | 'writablePaths'> {
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
   * Time after which a worker exits after its current job, to be replaced fresh (`--max-time`; whole
   * seconds, zero for never).
   *
   * @default Duration.seconds(3600) (restart every hour against memory leaks)
   */
  readonly maxTime?: Duration;

  /**
   * MiB of memory after which the worker exits after its current job (`--memory`); at most the memory limit.
   *
   * @default 512
   */
  readonly memoryMiB?: number;

  /**
   * Time to sleep when no job is waiting (`--sleep`; whole seconds).
   *
   * @default Duration.seconds(3)
   */
  readonly sleep?: Duration;

  /**
   * Time to wait before each retry of a failed job (`--backoff`; whole seconds each).
   *
   * @default [Duration.seconds(10), Duration.seconds(30), Duration.seconds(60)]
   */
  readonly backoff?: Duration[];
}

/**
 * Laravel queue workers: a {@link QueueWorker} `id` under `scope` running `php artisan queue:work` with typed
 * flags (`--timeout` from `jobTimeout`), writing to Laravel's run-time paths. Without a `heartbeatFile`
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
  const jobTimeoutProp: unknown = props.jobTimeout ?? Duration.seconds(60);
  const maxTimeProp: unknown = props.maxTime ?? Duration.seconds(3600);
  const memory = props.memoryMiB ?? 512;
  const sleepProp: unknown = props.sleep ?? Duration.seconds(3);
  const backoffProp: unknown = props.backoff ?? [Duration.seconds(10), Duration.seconds(30), Duration.seconds(60)];
  check('connection', checkNonEmpty(connection));
  check('tries', checkInteger(tries, 1));
  check('jobTimeout', checkTimeSpan(jobTimeoutProp, 1));
  const jobTimeout = (jobTimeoutProp as Duration).toSeconds();
  check('maxTime', checkTimeSpan(maxTimeProp, 0));
  const maxTime = (maxTimeProp as Duration).toSeconds();
  check('memoryMiB', checkInteger(memory, 1));
  // Bad resources are the QueueWorker's to report.
  const limitMiB = checkResources(props.resources) !== undefined ? undefined : memoryToKibibytes(props.resources.memoryLimit) / 1024;
  if (limitMiB !== undefined && memory > limitMiB) {
    // The worker would be OOM-killed mid-job before its own limit ever made it exit cleanly.
    check('memoryMiB', `must not exceed the container memory limit (${limitMiB} MiB), got ${memory}`);
  }
  check('sleep', checkTimeSpan(sleepProp, 0));
  const sleep = (sleepProp as Duration).toSeconds();
  if (!Array.isArray(backoffProp)) {
    check('backoff', `must be a list of Durations, got ${show(backoffProp)}`);
  }
  const backoff = (backoffProp as unknown[]).map((b, i) => {
    check(`backoff[${i}]`, checkTimeSpan(b, 0));
    return (b as Duration).toSeconds();
  });
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
    pollInterval: sleepProp as Duration,
    healthCommand: props.healthCommand ?? [...LARAVEL_REDIS_REACHABLE_COMMAND],
    writablePaths: LARAVEL_WRITABLE_PATHS,
  });
}
