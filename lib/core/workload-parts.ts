/**
 * Pieces every long-running workload of the library shares: image reference and version label, environment
 * wiring with secret bookkeeping, writable paths on a read-only root filesystem, the heartbeat probe, the
 * disruption budget and the "fixed size or autoscaling" check.
 */
import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from './container-resources';
import { SecretKeyReference, SecretReferences, checkSecretKeyReference } from './secret-references';
import { assertAt, failAt } from './errors';
import {
  checkArrayOf, checkBoolean, checkConfigMap, checkDnsLabel, checkEnv, checkEnvName, checkImageRepository, checkInteger, checkLabelName, checkRecordOf, checkSecret, checkString, isDigest, isPinnedTag, optional, Rules,
} from './checks';

/** The environment a container reads. */
export interface ContainerEnvProps {
  /**
   * Plain environment variables.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secret keys (`secretKeyRef`).
   *
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;

  /**
   * ConfigMaps loaded whole as environment variables (`envFrom`).
   *
   * @default - none
   */
  readonly envFromConfigMaps?: kplus.IConfigMap[];

  /**
   * Secrets loaded whole as environment variables (`envFrom`).
   *
   * @default - none
   */
  readonly envFromSecrets?: kplus.ISecret[];
}

/** Full image reference: `<repository>@sha256:...` for a digest, `<repository>:<tag>` otherwise. */
export function imageReference(repository: string, tag: string): string {
  return isDigest(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
}

/** A label-safe form of an image tag: digests become `sha256-<first 12 hex digits>`. */
export function versionLabel(tag: string): string {
  return isDigest(tag) ? `sha256-${tag.slice('sha256:'.length, 'sha256:'.length + 12)}` : tag;
}

/** `IfNotPresent` for a tag naming one immutable build, `Always` for a moving one. */
export function imagePullPolicy(tag: string): kplus.ImagePullPolicy {
  return isPinnedTag(tag) || isDigest(tag) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS;
}

/** Builds env variables and records every Secret key (and whole Secret) read, in SecretReferences. */
export function containerEnvVariables(scope: Construct, props: ContainerEnvProps): Record<string, kplus.EnvValue> {
  const env: Record<string, kplus.EnvValue> = {};
  for (const [name, value] of Object.entries(props.env ?? {})) {
    env[name] = kplus.EnvValue.fromValue(value);
  }
  const registry = SecretReferences.of(scope);
  for (const [name, ref] of Object.entries(props.secretEnv ?? {})) {
    if (env[name] !== undefined) {
      failAt(scope, `secretEnv.${name}`, 'is also set in env: give each variable one source');
    }
    env[name] = kplus.EnvValue.fromSecretValue({ secret: ref.secret, key: ref.key });
    registry.recordKey(scope, ref.secret, ref.key);
  }
  for (const secret of props.envFromSecrets ?? []) {
    registry.recordWholeSecret(scope, secret);
  }
  return env;
}

/** `envFrom` sources: ConfigMaps first, then Secrets. */
export function containerEnvFrom(props: ContainerEnvProps): kplus.EnvFrom[] {
  return [
    ...(props.envFromConfigMaps ?? []).map((cm) => kplus.Env.fromConfigMap(cm)),
    ...(props.envFromSecrets ?? []).map((secret) => kplus.Env.fromSecret(secret)),
  ];
}

/**
 * Mounts one emptyDir, limited to the container's memory limit, at every writable path (one sub-directory per
 * path), so a runaway log or cache cannot fill the node's disk.
 */
export function mountWritablePaths(
  scope: Construct, container: kplus.Container, paths: readonly string[], resources: ContainerResourceSpec, volumeId = 'writable',
): void {
  if (paths.length === 0) {
    return;
  }
  const writable = kplus.Volume.fromEmptyDir(scope, volumeId, WRITABLE_VOLUME, { sizeLimit: resources.memoryLimit });
  for (const path of [...paths].sort()) {
    container.mount(path, writable, { subPath: writableSubPath(path) });
  }
}

/** Name of the one `emptyDir` volume that holds every writable path. */
export const WRITABLE_VOLUME = 'writable';

/** Sub-directory of the writable volume that is mounted at `path` (`/var/log` -> `var-log`). */
export function writableSubPath(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '-');
}

/**
 * SHA-256 over the data of the ConfigMaps a pod reads, in a stable order, for the pod template annotation that
 * rolls the pods when their configuration changes. A ConfigMap known only by name contributes its name.
 */
export function configMapsHash(configMaps: readonly kplus.IConfigMap[]): string {
  const hash = createHash('sha256');
  for (const cm of [...configMaps].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(cm.name);
    const data = cm instanceof kplus.ConfigMap ? cm.data : {};
    for (const key of Object.keys(data).sort()) {
      hash.update(`\0${key}\0${data[key]}`);
    }
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Timings of a {@link heartbeatProbe}, each a whole number of seconds. */
export interface HeartbeatProbeTiming {
  /** Age at which the heartbeat file counts as stale. */
  readonly maxAge: Duration;

  /** Time between two probes (`periodSeconds`). */
  readonly period: Duration;

  /** Time before the first probe (`initialDelaySeconds`): boot up to the first heartbeat. */
  readonly initialDelay: Duration;
}

/**
 * A probe that fails when `file` is missing or older than `timing.maxAge`.
 *
 * A process that only polls (a queue worker, a scheduler) has no port to probe, and "is the process there" is
 * answered by the container itself exiting. What a probe can catch is a process that is alive but stuck: the
 * app touches `file` on every loop, so a stale file means no loop for `maxAge`. `stat -c %Y` and
 * `date +%s` work in both busybox and GNU coreutils images. `initialDelay` covers boot up to the
 * first heartbeat.
 */
export function heartbeatProbe(file: string, timing: HeartbeatProbeTiming): kplus.k8s.Probe {
  return {
    exec: {
      command: ['/bin/sh', '-c', `test -f '${file}' && test $(( $(date +%s) - $(stat -c %Y '${file}') )) -lt ${timing.maxAge.toSeconds()}`],
    },
    initialDelaySeconds: timing.initialDelay.toSeconds(),
    periodSeconds: timing.period.toSeconds(),
    timeoutSeconds: 5,
    successThreshold: 1,
    failureThreshold: 2,
  };
}

/** What {@link addDisruptionBudget} renders. */
export interface DisruptionBudgetSpec {
  /** Name of the PodDisruptionBudget. */
  readonly name: string;

  /** Its labels. */
  readonly labels: Record<string, string>;

  /** Labels of the pods it covers. */
  readonly selector: Record<string, string>;
}

/** A PodDisruptionBudget letting one pod at a time go, whatever the current size, so drains work at every size. */
export function addDisruptionBudget(scope: Construct, id: string, spec: DisruptionBudgetSpec): kplus.k8s.KubePodDisruptionBudget {
  return new kplus.k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: spec.selector },
    },
  });
}

/**
 * Checks that a workload is given exactly one of a fixed `replicas` count and `autoscaling` bounds, and that
 * the one given is sound.
 *
 * @throws ValidationError naming `replicas` or `autoscaling.*` at `scope`'s path
 */
export function checkReplicasOrAutoscaling(
  scope: Construct, replicas: number | undefined, autoscaling: { readonly minReplicas: number; readonly maxReplicas: number } | undefined,
): void {
  if (replicas !== undefined && autoscaling !== undefined) {
    failAt(scope, 'replicas', 'conflicts with autoscaling: give a fixed size or autoscaling bounds, not both');
  }
  if (replicas === undefined && autoscaling === undefined) {
    failAt(scope, 'replicas', 'required when autoscaling is not set');
  }
  if (replicas !== undefined) {
    assertAt(scope, 'replicas', checkInteger(replicas, 1));
  }
}

/** What a background process (a queue worker, a scheduler) needs besides its environment: identity and image. */
export interface BackgroundProcessProps extends ContainerEnvProps {
  /** Application name for `app.kubernetes.io/name` (`storefront`). */
  readonly appName: string;

  /** System name (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Image repository without tag. */
  readonly imageRepository: string;

  /** Image tag or `sha256:` digest. */
  readonly imageTag: string;

  /**
   * Whether the tag must name one immutable build.
   *
   * @default true
   */
  readonly requirePinnedImages?: boolean;
}

/** Run-time checks of {@link ContainerEnvProps}. */
export const CONTAINER_ENV_RULES: Rules = {
  env: optional(checkEnv),
  secretEnv: optional(checkRecordOf(checkEnvName, checkSecretKeyReference)),
  envFromConfigMaps: optional(checkArrayOf(checkConfigMap)),
  envFromSecrets: optional(checkArrayOf(checkSecret)),
};

/** Run-time checks of {@link BackgroundProcessProps}. */
export const BACKGROUND_PROCESS_RULES: Rules = {
  appName: checkDnsLabel,
  partOf: checkLabelName,
  imageRepository: checkImageRepository,
  imageTag: checkString,
  requirePinnedImages: optional(checkBoolean),
  ...CONTAINER_ENV_RULES,
};
