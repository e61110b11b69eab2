import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { checkArrayOf, checkDnsLabel, checkImageTag, checkInteger, checkNonEmpty, checkProps, checkString, checkTimeSpan, integer, optional, Rules } from '../core/checks';
import {
  BackgroundProcessProps, containerEnvFrom, containerEnvVariables, heartbeatProbe, imagePullPolicy, imageReference, mountWritablePaths,
  versionLabel,
} from '../core/workload-parts';
import { LARAVEL_WRITABLE_PATHS } from './laravel-defaults';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { LARAVEL_REDIS_REACHABLE_COMMAND } from './laravel-queues';
import { BACKGROUND_PROCESS_RULES } from '../core/workload-parts';
import { checkResourceSpec } from '../core/container-resources';

/** Props of {@link LaravelScheduler}. */
export interface LaravelSchedulerProps extends BackgroundProcessProps {
  /** Name of the Deployment (`laravel-scheduler`) and its `app` label. */
  readonly name: string;

  /** Requests and limits of the scheduler container. */
  readonly resources: ContainerResourceSpec;

  /**
   * File a task the app schedules every minute touches. Give it only where the image is known to do so:
   * the liveness probe then restarts a scheduler whose file is older than `heartbeatMaxAge`, and an
   * image that never writes it is killed.
   *
   * @default - no heartbeat: the probes run `healthCommand`
   */
  readonly heartbeatFile?: string;

  /**
   * Command the probes run when there is no `heartbeatFile`.
   *
   * @default LARAVEL_REDIS_REACHABLE_COMMAND (PHP starts and Redis accepts a connection)
   */
  readonly healthCommand?: string[];

  /**
   * Age after which the heartbeat counts as stale: a few missed minutes (whole seconds, at least two minutes).
   *
   * @default Duration.seconds(300)
   */
  readonly heartbeatMaxAge?: Duration;

  /**
   * Time a running scheduled task gets after SIGTERM (whole seconds).
   *
   * @default Duration.seconds(60)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * UID and GID of the scheduler process.
   *
   * @default 1000
   */
  readonly runAsUser?: number;
}

/** Run-time checks of {@link LaravelSchedulerProps}, applied before anything is created. */
const LARAVEL_SCHEDULER_RULES: Rules = {
  ...BACKGROUND_PROCESS_RULES,
  name: checkDnsLabel,
  resources: checkResourceSpec,
  heartbeatFile: optional(checkString),
  healthCommand: optional(checkArrayOf(checkString)),
  heartbeatMaxAge: optional((v) => checkTimeSpan(v, 120)),
  terminationGracePeriod: optional((v) => checkTimeSpan(v, 1)),
  runAsUser: optional(integer(1)),
};

/**
 * The Laravel scheduler as exactly one running instance ("run a single scheduler instance ... to avoid
 * duplicate job execution"): a Deployment of one pod running `php artisan schedule:work`, replaced
 * with the `Recreate` strategy so a rollout stops the old pod before it starts the new one.
 *
 * Why not a CronJob running `schedule:run` every minute with `concurrencyPolicy: Forbid`: that boots PHP in
 * a fresh pod 1440 times a day, depends on the CronJob controller starting each pod within its deadline,
 * and Forbid silently skips every tick that falls while a longer task still runs — a skipped tick skips
 * every task due in that minute. `schedule:work` ticks in one long-lived process and Laravel's
 * `withoutOverlapping()` handles long tasks per task. The remaining window — a node partition where the
 * old pod may still run while its replacement starts — is closed by `onOneServer()` (a Redis lock) on tasks
 * that must never run twice.
 */
export class LaravelScheduler extends Construct {
  /** Deployment `<name>`, one replica. */
  public readonly deployment: kplus.Deployment;

  /** Labels the Deployment selects on. */
  public readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: LaravelSchedulerProps) {
    super(scope, id);
    checkProps(this, props, LARAVEL_SCHEDULER_RULES);
    const pinned = props.requirePinnedImages ?? true;
    const heartbeatFile = props.heartbeatFile;
    const healthCommand = props.healthCommand ?? [...LARAVEL_REDIS_REACHABLE_COMMAND];
    const maxAge = props.heartbeatMaxAge?.toSeconds() ?? 300;
    const grace = props.terminationGracePeriod?.toSeconds() ?? 60;
    const runAsUser = props.runAsUser ?? 1000;
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'imageRepository', checkNonEmpty(props.imageRepository));
    assertAt(this, 'imageTag', checkImageTag(props.imageTag, pinned));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    if (heartbeatFile !== undefined) {
      assertAt(this, 'heartbeatFile', /^\/[A-Za-z0-9_./-]+$/.test(heartbeatFile) ? undefined : `must be an absolute path, got ${show(heartbeatFile)}`);
    }
    if (!Array.isArray(healthCommand) || healthCommand.length === 0 || healthCommand.some((part) => typeof part !== 'string' || part === '')) {
      failAt(this, 'healthCommand', `must be a non-empty command, got ${show(healthCommand)}`);
    }
    // heartbeatMaxAge is at least 120 s (checked above): the schedule ticks once a minute, anything shorter
    // restarts a healthy scheduler between two ticks.
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));

    this.selector = { [LabelKeys.APP]: props.name };
    const version = versionLabel(props.imageTag);
    const podLabels = {
      ...recommendedLabels({ name: props.appName, instance: props.name, component: 'scheduler', partOf: props.partOf, version }),
      ...this.selector,
      [LabelKeys.VERSION]: version,
    };
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, labels: podLabels },
      select: false,
      spread: false,
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      podMetadata: { labels: podLabels },
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(runAsUser),
      terminationGracePeriod: Duration.seconds(grace),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    const container = this.deployment.addContainer({
      name: 'scheduler',
      image: imageReference(props.imageRepository, props.imageTag),
      imagePullPolicy: imagePullPolicy(props.imageTag),
      command: ['php', 'artisan', 'schedule:work'],
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(runAsUser),
      envVariables: containerEnvVariables(this, props),
      envFrom: containerEnvFrom(props),
    });
    mountWritablePaths(this, container, LARAVEL_WRITABLE_PATHS, props.resources);
    const obj = ApiObject.of(this.deployment);
    // One pod: no spread to add, only the path-derived label to drop and the liveness probe.
    obj.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    const exec = { exec: { command: healthCommand }, timeoutSeconds: 5, successThreshold: 1 };
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', heartbeatFile === undefined
      // Without a heartbeat only what every running scheduler satisfies; a restart waits for 4 minutes of failures.
      ? { ...exec, initialDelaySeconds: 10, periodSeconds: 60, failureThreshold: 4 }
      : heartbeatProbe(heartbeatFile, { maxAge: Duration.seconds(maxAge), period: Duration.seconds(60), initialDelay: Duration.seconds(120) })));
    // Nothing routes to the scheduler; readiness reports that it can work (or has ticked), for `kubectl get` and alerts.
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', heartbeatFile === undefined
      ? { ...exec, initialDelaySeconds: 5, periodSeconds: 30, failureThreshold: 3 }
      : heartbeatProbe(heartbeatFile, { maxAge: Duration.seconds(maxAge), period: Duration.seconds(30), initialDelay: Duration.seconds(5) })));
  }
}
