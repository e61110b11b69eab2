import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { checkDnsLabel, checkImageTag, checkInteger, checkNonEmpty } from '../core/checks';
import {
  BackgroundProcessProps, addDisruptionBudget, checkReplicasOrAutoscaling, containerEnvFrom, containerEnvVariables, heartbeatProbe,
  imagePullPolicy, imageReference, mountWritablePaths, versionLabel,
} from '../core/workload-parts';
import { hardenPodTemplate, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { AutoscalerMetric, WorkloadAutoscaler } from '../core/workload-autoscaler';

/**
 * Autoscaling of a queue worker on the length of one queue: the External metric `redis_queue_length{queue=<queue>}` served by a metrics adapter, at `jobsPerPod` jobs per worker.
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
   * Seconds a single job may run before the worker kills it. The pod's termination grace period is sized from
   * it, so a job running at SIGTERM can finish, and so is the heartbeat's allowed age.
   *
   * @default 60
   */
  readonly jobTimeoutSeconds?: number;

  /**
   * Seconds the worker sleeps when no job is waiting; part of the heartbeat's allowed age.
   *
   * @default 3
   */
  readonly pollIntervalSeconds?: number;

  /**
   * Directories the worker writes to on its read-only root filesystem (one `emptyDir` limited to the memory
   * limit, a sub-directory per path).
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];

  /**
   * Seconds between SIGTERM and SIGKILL; at least `jobTimeoutSeconds`, so the current job can finish.
   *
   * @default - `jobTimeoutSeconds` + 30
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * File the worker touches on every loop; the liveness probe restarts a worker whose file is older than
   * `jobTimeoutSeconds` + `pollIntervalSeconds` + 60 s.
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

/**
 * Queue workers: Deployment `<name>` running `command`, optionally autoscaled by HPA `<name>-hpa` on the
 * queue length or on CPU and memory.
 *
 * A SIGTERM lets the current job finish (the grace period covers `jobTimeoutSeconds`), a liveness probe
 * catches a worker that is alive but no longer looping (a heartbeat file),
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
    this.jobTimeoutSeconds = props.jobTimeoutSeconds ?? 60;
    const sleep = props.pollIntervalSeconds ?? 3;
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? this.jobTimeoutSeconds + 30;
    const heartbeatFile = props.heartbeatFile ?? '/tmp/queue-worker-heartbeat';
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
    assertAt(this, 'jobTimeoutSeconds', checkInteger(this.jobTimeoutSeconds, 1));
    assertAt(this, 'pollIntervalSeconds', checkInteger(sleep, 0));
    if (this.terminationGracePeriodSeconds < this.jobTimeoutSeconds) {
      failAt(this, 'terminationGracePeriodSeconds',
        `must be at least jobTimeoutSeconds (${this.jobTimeoutSeconds}) so the current job can finish after SIGTERM, got ${this.terminationGracePeriodSeconds}`);
    }
    assertAt(this, 'heartbeatFile', /^\/[A-Za-z0-9_./-]+$/.test(heartbeatFile) ? undefined : `must be an absolute path, got ${show(heartbeatFile)}`);
    checkReplicasOrAutoscaling(this, props.replicas, props.autoscaling);
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    if (props.autoscaling?.metric === 'queueLength') {
      const queue = props.autoscaling.queue ?? 'default';
      assertAt(this, 'autoscaling.jobsPerPod', checkInteger(props.autoscaling.jobsPerPod ?? 100, 1));
      assertAt(this, 'autoscaling.queue', props.queues.includes(queue) ? undefined
        : `must be one of the drained queues ${show(props.queues)}, got ${show(queue)}`);
    }

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
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
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
    // The first loop touches the file right after boot; then no loop happens while a job runs, and a job
    // runs at most jobTimeoutSeconds.
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
          // Add up to 2 workers a minute; remove 1 every 2 minutes after 10 quiet minutes, so a
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
          // Double per minute after a minute; remove 2 every 2 minutes after 5 quiet minutes.
          scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 2, periodSeconds: 120 }] },
        });
    }
    const maxPods = a?.maxReplicas ?? props.replicas!;
    if (maxPods > 1) {
      const pdbName = `${props.name}-pdb`;
      this.pdb = addDisruptionBudget(this, 'DisruptionBudget', { name: pdbName, labels: labels(pdbName), selector: this.selector });
    }
  }
}
