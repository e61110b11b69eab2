import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LARAVEL_WRITABLE_PATHS } from '../web/blue-green-app';
import { ContainerResourceSpec, checkResources, memoryToKibibytes, toContainerResources } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { Check, checkAbsolutePath, checkArrayOf, checkDnsLabel, checkImageTag, checkInteger, checkNonEmpty, checkProps, checkShape, checkString, integer, isDigest, isPinnedTag, optional, Rules } from '../core/checks';
import { LaravelProcessProps, heartbeatProbe, laravelEnvFrom, laravelEnvVariables, mountWritablePaths } from '../laravel/laravel-process';
import { hardenPodTemplate, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { AutoscalerMetric, WorkloadAutoscaler } from '../core/workload-autoscaler';
import { checkResourceSpec } from '../core/container-resources';
import { LARAVEL_PROCESS_RULES } from '../laravel/laravel-process';

/**
 * Autoscaling of a queue worker on the length of one queue (seed 000's `laravel-worker-hpa`): the External
 * metric `redis_queue_length{queue=<queue>}` served by a metrics adapter, at `jobsPerPod` jobs per worker.
 */
export interface QueueLengthScaling {
  /** Scale on the queue's length. */
  readonly metric: 'queueLength';

  /** Fewest workers. */
  readonly minReplicas: number;

  /** Most workers. */
  readonly maxReplicas: number;

  /**
   * Queue whose length is measured.
   *
   * @default 'default'
   */
  readonly queue?: string;

  /**
   * Target number of waiting jobs per worker (`averageValue`).
   *
   * @default 100
   */
  readonly jobsPerPod?: number;
}

/** Autoscaling of a queue worker on CPU and memory use (seed 001's `queue-worker-hpa`). */
export interface ResourceScaling {
  /** Scale on CPU and memory utilization. */
  readonly metric: 'resources';

  /** Fewest workers. */
  readonly minReplicas: number;

  /** Most workers. */
  readonly maxReplicas: number;

  /**
   * Target average CPU utilization, percent of the request.
   *
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * Target average memory utilization, percent of the request.
   *
   * @default 80
   */
  readonly memoryUtilizationPercent?: number;
}

/** How a queue worker autoscales. */
export type QueueWorkerScaling = QueueLengthScaling | ResourceScaling;

/** Props of {@link QueueWorker}. */
export interface QueueWorkerProps extends LaravelProcessProps {
  /** Name of the Deployment (`laravel-worker`), its `app` label and the prefix of its HPA and PDB. */
  readonly name: string;

  /** Requests and limits of the worker container. */
  readonly resources: ContainerResourceSpec;

  /**
   * Queue connection `queue:work` reads from.
   *
   * @default 'redis'
   */
  readonly connection?: string;

  /** Queues drained, highest priority first (seed 001: `high`, `default`, `low`). */
  readonly queues: string[];

  /**
   * Attempts per job before it is failed (`--tries`).
   *
   * @default 3
   */
  readonly tries?: number;

  /**
   * Seconds a single job may run before the worker kills it (`--timeout`). The pod's termination grace
   * period is sized from it, so a job running at SIGTERM can finish.
   *
   * @default 60 (Laravel's default)
   */
  readonly jobTimeoutSeconds?: number;

  /**
   * Seconds after which a worker exits after its current job, to be replaced fresh (`--max-time`).
   *
   * @default 3600 (seed 001: restart every hour against memory leaks)
   */
  readonly maxTimeSeconds?: number;

  /**
   * MiB of memory after which the worker exits after its current job (`--memory`); at most the memory limit.
   *
   * @default 512 (seed 001)
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
   * @default [10, 30, 60] (seed 001)
   */
  readonly backoffSeconds?: number[];

  /**
   * Seconds between SIGTERM and SIGKILL; at least `jobTimeoutSeconds`, so the current job can finish.
   *
   * @default - `jobTimeoutSeconds` + 30
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * File the app touches on every worker loop (a `Looping` event listener); the liveness probe restarts a
   * worker whose file is older than `jobTimeoutSeconds` + `sleepSeconds` + 60 s.
   *
   * @default '/tmp/queue-worker-heartbeat'
   */
  readonly heartbeatFile?: string;

  /**
   * Fixed worker count. Give either this or `autoscaling`.
   *
   * @default - sized by `autoscaling`
   */
  readonly replicas?: number;

  /**
   * Autoscaling. Give either this or `replicas`.
   *
   * @default - a fixed `replicas` count
   */
  readonly autoscaling?: QueueWorkerScaling;

  /**
   * UID and GID of the worker process.
   *
   * @default 1000
   */
  readonly runAsUser?: number;
}

const QUEUE_NAME = /^[A-Za-z0-9_.:-]+$/;

/** The run-time check of a {@link QueueWorkerScaling}: its metric, then the fields of that kind. */
export const checkQueueWorkerScaling: Check = (value) => {
  const metric = (value as { metric?: unknown } | null)?.metric;
  if (metric === 'queueLength') {
    return checkShape({ metric: checkString, minReplicas: integer(1), maxReplicas: integer(1), queue: optional(checkNonEmpty), jobsPerPod: optional(integer(1)) })(value);
  }
  if (metric === 'resources') {
    return checkShape({ metric: checkString, minReplicas: integer(1), maxReplicas: integer(1), cpuUtilizationPercent: optional(integer(1, 100)), memoryUtilizationPercent: optional(integer(1, 100)) })(value);
  }
  return typeof value === 'object' && value !== null
    ? { field: '.metric', problem: `must be one of "queueLength", "resources", got ${show(metric)}` }
    : `must be an object with metric, minReplicas and maxReplicas, got ${show(value)}`;
};

/** Run-time checks of {@link QueueWorkerProps}, applied before anything is created. */
const QUEUE_WORKER_RULES: Rules = {
  ...LARAVEL_PROCESS_RULES,
  name: checkDnsLabel,
  resources: checkResourceSpec,
  connection: optional(checkNonEmpty),
  queues: checkArrayOf(checkNonEmpty),
  tries: optional(integer(0)),
  jobTimeoutSeconds: optional(integer(1)),
  maxTimeSeconds: optional(integer(1)),
  memoryMiB: optional(integer(1)),
  sleepSeconds: optional(integer(0)),
  backoffSeconds: optional(checkArrayOf(integer(0))),
  terminationGracePeriodSeconds: optional(integer(1)),
  heartbeatFile: optional(checkAbsolutePath),
  replicas: optional(integer(1)),
  autoscaling: optional(checkQueueWorkerScaling),
  runAsUser: optional(integer(1)),
};

/**
 * Laravel queue workers: Deployment `<name>` running `php artisan queue:work` with typed flags (seed 001),
 * optionally autoscaled by HPA `<name>-hpa` on the queue length (seed 000) or on CPU and memory (seed 001).
 *
 * Beyond the seeds: a SIGTERM lets the current job finish (the grace period covers `--timeout`), a liveness
 * probe catches a worker that is alive but no longer looping (the seed's `queue:monitor` always succeeds),
 * restricted Pod Security with a read-only root, topology spread and a PDB when more than one pod can run.
 * Readiness uses the same heartbeat: a worker serves no traffic, so readiness only gates rollouts, and a
 * new worker counts as available once it has really polled its queues.
 */
export class QueueWorker extends Construct {
  /** Deployment `<name>`. */
  public readonly deployment: kplus.Deployment;

  /** HPA `<name>-hpa`, when the worker autoscales. */
  public readonly autoscaler?: WorkloadAutoscaler;

  /** PDB `<name>-pdb`, when more than one worker can run. */
  public readonly pdb?: kplus.k8s.KubePodDisruptionBudget;

  /** Labels the Deployment, PDB and spread select on. */
  public readonly selector: Record<string, string>;

  /** The container's command. */
  public readonly command: string[];

  /** Seconds a job may run (`--timeout`). */
  public readonly jobTimeoutSeconds: number;

  /** Seconds between SIGTERM and SIGKILL. */
  public readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    checkProps(this, props, QUEUE_WORKER_RULES);
    const connection = props.connection ?? 'redis';
    const tries = props.tries ?? 3;
    this.jobTimeoutSeconds = props.jobTimeoutSeconds ?? 60;
    const maxTime = props.maxTimeSeconds ?? 3600;
    const memory = props.memoryMiB ?? 512;
    const sleep = props.sleepSeconds ?? 3;
    const backoff = props.backoffSeconds ?? [10, 30, 60];
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? this.jobTimeoutSeconds + 30;
    const heartbeatFile = props.heartbeatFile ?? '/tmp/queue-worker-heartbeat';
    const runAsUser = props.runAsUser ?? 1000;
    const pinned = props.requirePinnedImages ?? true;

    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'imageRepository', checkNonEmpty(props.imageRepository));
    assertAt(this, 'imageTag', checkImageTag(props.imageTag, pinned));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    assertAt(this, 'connection', checkNonEmpty(connection));
    if (props.queues.length === 0) {
      failAt(this, 'queues', 'needs at least one queue to drain');
    }
    props.queues.forEach((q, i) => assertAt(this, `queues[${i}]`, QUEUE_NAME.test(q) ? undefined : `must be a queue name (letters, digits, '_', '.', ':', '-'), got ${show(q)}`));
    if (new Set(props.queues).size !== props.queues.length) {
      failAt(this, 'queues', `must not repeat a queue, got ${show(props.queues)}`);
    }
    assertAt(this, 'tries', checkInteger(tries, 1));
    assertAt(this, 'jobTimeoutSeconds', checkInteger(this.jobTimeoutSeconds, 1));
    assertAt(this, 'maxTimeSeconds', checkInteger(maxTime, 0));
    assertAt(this, 'memoryMiB', checkInteger(memory, 1));
    const limitMiB = memoryToKibibytes(props.resources.memoryLimit) / 1024;
    if (memory > limitMiB) {
      // The worker would be OOM-killed mid-job before its own limit ever made it exit cleanly.
      failAt(this, 'memoryMiB', `must not exceed the container memory limit (${limitMiB} MiB), got ${memory}`);
    }
    assertAt(this, 'sleepSeconds', checkInteger(sleep, 0));
    backoff.forEach((b, i) => assertAt(this, `backoffSeconds[${i}]`, checkInteger(b, 0)));
    if (this.terminationGracePeriodSeconds < this.jobTimeoutSeconds) {
      failAt(this, 'terminationGracePeriodSeconds',
        `must be at least jobTimeoutSeconds (${this.jobTimeoutSeconds}) so the current job can finish after SIGTERM, got ${this.terminationGracePeriodSeconds}`);
    }
    assertAt(this, 'heartbeatFile', /^\/[A-Za-z0-9_./-]+$/.test(heartbeatFile) ? undefined : `must be an absolute path, got ${show(heartbeatFile)}`);
    if (props.replicas !== undefined && props.autoscaling !== undefined) {
      failAt(this, 'replicas', 'conflicts with autoscaling: give a fixed size or autoscaling bounds, not both');
    }
    if (props.replicas === undefined && props.autoscaling === undefined) {
      failAt(this, 'replicas', 'required when autoscaling is not set');
    }
    if (props.replicas !== undefined) {
      assertAt(this, 'replicas', checkInteger(props.replicas, 1));
    }
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    if (props.autoscaling?.metric === 'queueLength') {
      const queue = props.autoscaling.queue ?? 'default';
      assertAt(this, 'autoscaling.jobsPerPod', checkInteger(props.autoscaling.jobsPerPod ?? 100, 1));
      assertAt(this, 'autoscaling.queue', props.queues.includes(queue) ? undefined
        : `must be one of the drained queues ${show(props.queues)}, got ${show(queue)}`);
    }

    this.command = [
      'php', 'artisan', 'queue:work', connection,
      `--queue=${props.queues.join(',')}`,
      `--tries=${tries}`,
      `--timeout=${this.jobTimeoutSeconds}`,
      `--max-time=${maxTime}`,
      `--memory=${memory}`,
      `--sleep=${sleep}`,
      ...(backoff.length > 0 ? [`--backoff=${backoff.join(',')}`] : []),
    ];

    this.selector = { [LabelKeys.APP]: props.name };
    const version = isDigest(props.imageTag) ? `sha256-${props.imageTag.slice(7, 19)}` : props.imageTag;
    const labels = (instance: string, v?: string) => ({
      ...recommendedLabels({ name: props.appName, instance, component: 'worker', partOf: props.partOf, version: v }),
      ...this.selector,
    });
    const podLabels = { ...labels(props.name, version), [LabelKeys.VERSION]: version };

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, labels: podLabels },
      select: false,
      spread: false,
      replicas: props.replicas,
      // Surge, never remove first: a new worker starts before an old one drains, so throughput holds.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      podMetadata: { labels: podLabels },
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(runAsUser),
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    const image = isDigest(props.imageTag) ? `${props.imageRepository}@${props.imageTag}` : `${props.imageRepository}:${props.imageTag}`;
    const container = this.deployment.addContainer({
      name: 'worker',
      image,
      imagePullPolicy: isPinnedTag(props.imageTag) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS,
      command: this.command,
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(runAsUser),
      envVariables: laravelEnvVariables(this, props),
      envFrom: laravelEnvFrom(props),
    });
    mountWritablePaths(this, container, LARAVEL_WRITABLE_PATHS, props.resources);
    // The first loop touches the file right after boot; then no loop happens while a job runs, and a job
    // runs at most --timeout seconds.
    const maxAge = this.jobTimeoutSeconds + sleep + 60;
    hardenPodTemplate(this.deployment, { selector: this.selector, probes: {
      livenessProbe: heartbeatProbe(heartbeatFile, maxAge, 30, 60),
      // Ready once it has looped: a rolling update removes an old worker only after a new one really works.
      readinessProbe: heartbeatProbe(heartbeatFile, maxAge, 10, 5),
    } });

    const a = props.autoscaling;
    if (a !== undefined) {
      const hpaName = `${props.name}-hpa`;
      this.autoscaler = a.metric === 'queueLength'
        ? new WorkloadAutoscaler(this, 'Autoscaler', {
          name: hpaName,
          labels: labels(hpaName),
          target: this.deployment,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [AutoscalerMetric.external({
            name: 'redis_queue_length',
            selector: { queue: a.queue ?? 'default' },
            averageValue: String(a.jobsPerPod ?? 100),
          })],
          // Seed 000: add up to 2 workers a minute; remove 1 every 2 minutes after 10 quiet minutes, so a
          // bursty queue does not make workers flap.
          scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
          scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
        })
        : new WorkloadAutoscaler(this, 'Autoscaler', {
          name: hpaName,
          labels: labels(hpaName),
          target: this.deployment,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [
            AutoscalerMetric.cpuUtilization(a.cpuUtilizationPercent ?? 70),
            AutoscalerMetric.memoryUtilization(a.memoryUtilizationPercent ?? 80),
          ],
          // Seed 001: double per minute after a minute; remove 2 every 2 minutes after 5 quiet minutes.
          scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 2, periodSeconds: 120 }] },
        });
    }
    const maxPods = a?.maxReplicas ?? props.replicas!;
    if (maxPods > 1) {
      const pdbName = `${props.name}-pdb`;
      this.pdb = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: pdbName, labels: labels(pdbName) },
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }
  }
}
