import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import {
  Check, checkAbsolutePath, checkArrayOf, checkDnsLabel, checkImageTag, checkInteger, checkNonEmpty, checkProps, checkShape, checkString, checkTimeSpan, integer, optional, Rules,
} from '../core/checks';
import {
  BackgroundProcessProps, addDisruptionBudget, checkReplicasOrAutoscaling, containerEnvFrom, containerEnvVariables, heartbeatProbe,
  imagePullPolicy, imageReference, mountWritablePaths, versionLabel,
} from '../core/workload-parts';
import { hardenPodTemplate, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { AutoscalerMetric, WorkloadAutoscaler } from '../core/workload-autoscaler';
import { SecretKeyReference } from '../core/secret-references';
import { RedisListScaler } from './redis-list-scaler';
import { BACKGROUND_PROCESS_RULES } from '../core/workload-parts';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';
import { derivedName } from '../core/names';

/**
 * Autoscaling of a queue worker on the length of its queues, by KEDA (a `ScaledObject` with Redis list
 * triggers, see {@link RedisListScaler}): the waiting jobs of the measured queues are summed and divided
 * by `jobsPerPod`. Needs `queueBackend` on the worker.
 */
export interface QueueLengthScaling {
  /** Scale on the queues' length. */
  readonly metric: 'queueLength';

  /** Fewest workers. */
  readonly minReplicas: number;

  /** Most workers. */
  readonly maxReplicas: number;

  /**
   * Queues whose waiting jobs are counted; each must be one the worker drains.
   *
   * @default - every queue the worker drains
   */
  readonly queues?: string[];

  /**
   * Target number of waiting jobs per worker.
   *
   * @default 100
   */
  readonly jobsPerPod?: number;
}

/** Where a worker's queues live: a Redis server holding one list per queue. */
export interface RedisQueueBackend {
  /** Redis `host:port` as the cluster's KEDA operator reaches it (`redis.shop.svc:6379`). */
  readonly address: string;

  /**
   * Redis database index of the queue lists.
   *
   * @default 0
   */
  readonly databaseIndex?: number;

  /** Secret key with the Redis password. */
  readonly password: SecretKeyReference;

  /** Prefix that turns a queue name into its list key (`<prefix><queue>`); the app's framework decides it. */
  readonly listKeyPrefix: string;
}

/** Autoscaling of a queue worker on CPU and memory use. */
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
export interface QueueWorkerProps extends BackgroundProcessProps {
  /** Name of the Deployment (`storefront-worker`), its `app` label and the prefix of its HPA and PDB. */
  readonly name: string;

  /** Requests and limits of the worker container. */
  readonly resources: ContainerResourceSpec;

  /** Command the container runs: the worker process (`['node', 'dist/worker.js']`). */
  readonly command: string[];

  /** Queues drained, highest priority first; queue-length autoscaling must name one of them. */
  readonly queues: string[];

  /**
   * Longest a single job may run before the worker kills it (whole seconds, at least one). The pod's
   * termination grace period is sized from it, so a job running at SIGTERM can finish, and so is the
   * heartbeat's allowed age.
   *
   * @default Duration.seconds(60)
   */
  readonly jobTimeout?: Duration;

  /**
   * Time the worker sleeps when no job is waiting (whole seconds, zero allowed); part of the heartbeat's
   * allowed age.
   *
   * @default Duration.seconds(3)
   */
  readonly pollInterval?: Duration;

  /**
   * Directories the worker writes to on its read-only root filesystem (one `emptyDir` limited to the memory
   * limit, a sub-directory per path).
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];

  /**
   * Time between SIGTERM and SIGKILL (whole seconds); at least `jobTimeout`, so the current job can finish.
   *
   * @default - `jobTimeout` + Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * File the image touches on every worker loop (a listener on the framework's loop event). Give it only
   * where the image is known to write it: the liveness probe then restarts a worker whose file is older
   * than `jobTimeout` + `pollInterval` + 60 s, and an image that never writes it is killed.
   *
   * @default - no heartbeat: the probes run `healthCommand`
   */
  readonly heartbeatFile?: string;

  /**
   * Command the liveness and readiness probes run when there is no `heartbeatFile`; exit 0 means the worker
   * can work (its queue backend answers).
   *
   * @default - `kill -0 1`: the worker process is alive
   */
  readonly healthCommand?: string[];

  /**
   * Where the queues live; required with `autoscaling.metric: 'queueLength'`.
   *
   * @default - none: the worker cannot scale on queue length
   */
  readonly queueBackend?: RedisQueueBackend;

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
    return checkShape({ metric: checkString, minReplicas: integer(1), maxReplicas: integer(1), queues: optional(checkArrayOf(checkNonEmpty)), jobsPerPod: optional(integer(1)) })(value);
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
  ...BACKGROUND_PROCESS_RULES,
  name: checkDnsLabel,
  resources: checkResourceSpec,
  command: checkArrayOf(checkString),
  queues: checkArrayOf(checkNonEmpty),
  jobTimeout: optional((v) => checkTimeSpan(v, 1)),
  pollInterval: optional((v) => checkTimeSpan(v, 0)),
  writablePaths: optional(checkArrayOf(checkAbsolutePath)),
  terminationGracePeriod: optional((v) => checkTimeSpan(v, 1)),
  heartbeatFile: optional(checkString),
  healthCommand: optional(checkArrayOf(checkString)),
  queueBackend: optional(checkShape({ address: checkNonEmpty, databaseIndex: optional(integer(0, 15)), password: checkSecretKeyReference, listKeyPrefix: checkString })),
  replicas: optional(integer(1)),
  autoscaling: optional(checkQueueWorkerScaling),
  runAsUser: optional(integer(1)),
};

/**
 * Queue workers: Deployment `<name>` running `command`, optionally autoscaled on the queue length (KEDA,
 * which creates HPA `<name>-hpa`) or on CPU and memory (HPA `<name>-hpa`).
 *
 * A SIGTERM lets the current job finish (the grace period covers `jobTimeout`); restricted Pod
 * Security with a read-only root, topology spread and a PDB when more than one pod can run. Probes: where
 * the image writes a `heartbeatFile`, liveness catches a worker that is alive but no longer looping and
 * readiness gates rollouts on a worker that has really polled its queues; without one, both run
 * `healthCommand`, which any running worker passes, so an image without the heartbeat is never killed.
 * With `autoscaling.metric: 'queueLength'` a KEDA ScaledObject owns the pod count (see {@link RedisListScaler}).
 */
export class QueueWorker extends Construct {
  /** Deployment `<name>`. */
  public readonly deployment: kplus.Deployment;

  /** HPA `<name>-hpa`, when the worker autoscales on CPU and memory. */
  public readonly autoscaler?: WorkloadAutoscaler;

  /** ScaledObject `<name>` (KEDA creates and owns HPA `<name>-hpa`), when the worker scales on queue length. */
  public readonly scaler?: RedisListScaler;

  /** Queues drained, highest priority first. */
  public readonly queues: string[];

  /** PDB `<name>-pdb`, when more than one worker can run. */
  public readonly pdb?: kplus.k8s.KubePodDisruptionBudget;

  /** Labels the Deployment, PDB and spread select on. */
  public readonly selector: Record<string, string>;

  /** The container's command. */
  public readonly command: string[];

  /** Longest a job may run (`--timeout`). */
  public readonly jobTimeout: Duration;

  /** Time between SIGTERM and SIGKILL. */
  public readonly terminationGracePeriod: Duration;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    checkProps(this, props, QUEUE_WORKER_RULES);
    this.jobTimeout = props.jobTimeout ?? Duration.seconds(60);
    const jobTimeoutSeconds = this.jobTimeout.toSeconds();
    const sleep = (props.pollInterval ?? Duration.seconds(3)).toSeconds();
    this.terminationGracePeriod = props.terminationGracePeriod ?? Duration.seconds(jobTimeoutSeconds + 30);
    const graceSeconds = this.terminationGracePeriod.toSeconds();
    const heartbeatFile = props.heartbeatFile;
    const healthCommand = props.healthCommand ?? ['/bin/sh', '-c', 'kill -0 1'];
    const runAsUser = props.runAsUser ?? 1000;
    const pinned = props.requirePinnedImages ?? true;
    const writablePaths = props.writablePaths ?? ['/tmp'];

    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'imageRepository', checkNonEmpty(props.imageRepository));
    assertAt(this, 'imageTag', checkImageTag(props.imageTag, pinned));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    if (!Array.isArray(props.command) || props.command.length === 0) {
      failAt(this, 'command', `needs the worker's command, got ${show(props.command)}`);
    }
    props.command.forEach((c, i) => assertAt(this, `command[${i}]`, checkNonEmpty(c)));
    if (props.queues.length === 0) {
      failAt(this, 'queues', 'needs at least one queue to drain');
    }
    props.queues.forEach((q, i) => assertAt(this, `queues[${i}]`, QUEUE_NAME.test(q) ? undefined : `must be a queue name (letters, digits, '_', '.', ':', '-'), got ${show(q)}`));
    if (new Set(props.queues).size !== props.queues.length) {
      failAt(this, 'queues', `must not repeat a queue, got ${show(props.queues)}`);
    }
    if (graceSeconds < jobTimeoutSeconds) {
      failAt(this, 'terminationGracePeriod',
        `must be at least jobTimeout (${jobTimeoutSeconds}s) so the current job can finish after SIGTERM, got ${graceSeconds}s`);
    }
    if (heartbeatFile !== undefined) {
      assertAt(this, 'heartbeatFile', /^\/[A-Za-z0-9_./-]+$/.test(heartbeatFile) ? undefined : `must be an absolute path, got ${show(heartbeatFile)}`);
    }
    if (!Array.isArray(healthCommand) || healthCommand.length === 0 || healthCommand.some((part) => typeof part !== 'string' || part === '')) {
      failAt(this, 'healthCommand', `must be a non-empty command, got ${show(healthCommand)}`);
    }
    checkReplicasOrAutoscaling(this, props.replicas, props.autoscaling);
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    if (props.autoscaling?.metric === 'queueLength') {
      const a = props.autoscaling;
      assertAt(this, 'autoscaling.jobsPerPod', checkInteger(a.jobsPerPod ?? 100, 1));
      if (a.queues !== undefined && a.queues.length === 0) {
        failAt(this, 'autoscaling.queues', 'needs at least one queue to measure');
      }
      (a.queues ?? []).forEach((q, i) => assertAt(this, `autoscaling.queues[${i}]`, props.queues.includes(q) ? undefined
        : `must be one of the drained queues ${show(props.queues)}, got ${show(q)}`));
      if (props.queueBackend === undefined) {
        failAt(this, 'queueBackend', 'required when autoscaling on queue length: the scaler reads the queues from it');
      }
    }
    this.queues = [...props.queues];

    this.command = [...props.command];

    this.selector = { [LabelKeys.APP]: props.name };
    const version = versionLabel(props.imageTag);
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
      terminationGracePeriod: Duration.seconds(graceSeconds),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    const container = this.deployment.addContainer({
      name: 'worker',
      image: imageReference(props.imageRepository, props.imageTag),
      imagePullPolicy: imagePullPolicy(props.imageTag),
      command: this.command,
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(runAsUser),
      envVariables: containerEnvVariables(this, props),
      envFrom: containerEnvFrom(props),
    });
    mountWritablePaths(this, container, writablePaths, props.resources);
    const maxAge = Duration.seconds(jobTimeoutSeconds + sleep + 60);
    hardenPodTemplate(this.deployment, { selector: this.selector, probes: heartbeatFile === undefined
      ? {
        // Without a heartbeat nothing tells a busy worker from a stuck one, so the probes hold the worker
        // only to what any running worker satisfies; a restart waits for two minutes of failures.
        livenessProbe: { exec: { command: healthCommand }, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 4 },
        readinessProbe: { exec: { command: healthCommand }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 3 },
      }
      : {
        // The first loop touches the file right after boot; then no loop happens while a job runs, and a
        // job runs at most --timeout seconds.
        livenessProbe: heartbeatProbe(heartbeatFile, { maxAge, period: Duration.seconds(30), initialDelay: Duration.seconds(60) }),
        // Ready once it has looped: a rolling update removes an old worker only after a new one really works.
        readinessProbe: heartbeatProbe(heartbeatFile, { maxAge, period: Duration.seconds(10), initialDelay: Duration.seconds(5) }),
      } });

    const a = props.autoscaling;
    if (a !== undefined) {
      const hpaName = derivedName(props.name, 'hpa');
      if (a.metric === 'queueLength') {
        const backend = props.queueBackend!;
        const measured = a.queues ?? props.queues;
        this.scaler = new RedisListScaler(this, 'Scaler', {
          name: props.name,
          // KEDA names the HPA it creates after this, so `kubectl get hpa <name>-hpa` still answers.
          hpaName,
          labels: labels(props.name),
          target: this.deployment,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          lists: measured.map((q) => ({ name: `queue_${q.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`, key: `${backend.listKeyPrefix}${q}` })),
          itemsPerReplica: a.jobsPerPod ?? 100,
          address: backend.address,
          databaseIndex: backend.databaseIndex,
          password: backend.password,
          // Add up to 2 workers a minute; remove 1 every 2 minutes after 10 quiet minutes, so a
          // bursty queue does not make workers flap.
          scaleDown: { stabilizationWindow: Duration.seconds(600), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(120) }] },
          scaleUp: { stabilizationWindow: Duration.seconds(60), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(60) }] },
        });
      } else {
        this.autoscaler = new WorkloadAutoscaler(this, 'Autoscaler', {
          name: hpaName,
          labels: labels(hpaName),
          target: this.deployment,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [
            AutoscalerMetric.cpuUtilization(a.cpuUtilizationPercent ?? 70),
            AutoscalerMetric.memoryUtilization(a.memoryUtilizationPercent ?? 80),
          ],
          // Double per minute after a minute; remove 2 every 2 minutes after 5 quiet minutes.
          scaleUp: { stabilizationWindow: Duration.seconds(60), policies: [{ type: 'Percent', value: 100, period: Duration.seconds(60) }] },
          scaleDown: { stabilizationWindow: Duration.seconds(300), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(120) }] },
        });
      }
    }
    const maxPods = a?.maxReplicas ?? props.replicas!;
    if (maxPods > 1) {
      const pdbName = derivedName(props.name, 'pdb');
      this.pdb = addDisruptionBudget(this, 'DisruptionBudget', { name: pdbName, labels: labels(pdbName), selector: this.selector });
    }
  }
}
