/**
 * What the Laravel background processes (queue worker, scheduler) share: environment wiring with secret
 * bookkeeping, the writable paths of a read-only root filesystem, and the heartbeat liveness check.
 */
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from '../core/container-resources';
import { SecretKeyReference, SecretReferences, checkSecretKeyReference } from '../core/secret-references';
import { failAt } from '../core/errors';
import { checkArrayOf, checkBoolean, checkConfigMap, checkDnsLabel, checkEnv, checkEnvName, checkImageRepository, checkLabelName, checkRecordOf, checkSecret, checkString, optional, Rules } from '../core/checks';

/** The environment a Laravel process container reads. */
export interface LaravelProcessEnv {
  readonly env?: Record<string, string>;
  readonly secretEnv?: Record<string, SecretKeyReference>;
  readonly envFromConfigMaps?: kplus.IConfigMap[];
  readonly envFromSecrets?: kplus.ISecret[];
}

/** What a Laravel background process needs besides its environment: identity and image. */
export interface LaravelProcessProps extends LaravelProcessEnv {
  /** Application name for `app.kubernetes.io/name` (`laravel`). */
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

/** Builds env variables and records every Secret key (and whole Secret) read, in SecretReferences. */
export function laravelEnvVariables(scope: Construct, props: LaravelProcessEnv): Record<string, kplus.EnvValue> {
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

/** `envFrom` sources. */
export function laravelEnvFrom(props: LaravelProcessEnv): kplus.EnvFrom[] {
  return [
    ...(props.envFromConfigMaps ?? []).map((cm) => kplus.Env.fromConfigMap(cm)),
    ...(props.envFromSecrets ?? []).map((secret) => kplus.Env.fromSecret(secret)),
  ];
}

/** Mounts one size-limited emptyDir at every writable path (sub-directory per path). */
export function mountWritablePaths(scope: Construct, container: kplus.Container, paths: readonly string[], resources: ContainerResourceSpec): void {
  const writable = kplus.Volume.fromEmptyDir(scope, 'writable', 'writable', { sizeLimit: resources.memoryLimit });
  for (const path of [...paths].sort()) {
    container.mount(path, writable, { subPath: path.replace(/^\//, '').replace(/\//g, '-') });
  }
}

/**
 * A liveness probe that fails when `file` is missing or older than `maxAgeSeconds`.
 *
 * A process that only polls (a queue worker, the scheduler) has no port to probe, and "is the process
 * there" is answered by the container itself exiting. What a probe can catch is a process that is alive
 * but stuck: the app touches `file` on every loop (worker: the `Looping` event; scheduler: a job scheduled
 * every minute), so a stale file means no loop for `maxAgeSeconds`. `stat -c %Y` and `date +%s` work in
 * both busybox and GNU coreutils images. `initialDelaySeconds` covers boot up to the first heartbeat.
 */
export function heartbeatProbe(file: string, maxAgeSeconds: number, periodSeconds: number, initialDelaySeconds: number): kplus.k8s.Probe {
  return {
    exec: {
      command: ['/bin/sh', '-c', `test -f '${file}' && test $(( $(date +%s) - $(stat -c %Y '${file}') )) -lt ${maxAgeSeconds}`],
    },
    initialDelaySeconds,
    periodSeconds,
    timeoutSeconds: 5,
    successThreshold: 1,
    failureThreshold: 2,
  };
}

/** Run-time checks of {@link LaravelProcessEnv}. */
export const LARAVEL_PROCESS_ENV_RULES: Rules = {
  env: optional(checkEnv),
  secretEnv: optional(checkRecordOf(checkEnvName, checkSecretKeyReference)),
  envFromConfigMaps: optional(checkArrayOf(checkConfigMap)),
  envFromSecrets: optional(checkArrayOf(checkSecret)),
};

/** Run-time checks of {@link LaravelProcessProps}. */
export const LARAVEL_PROCESS_RULES: Rules = {
  appName: checkDnsLabel,
  partOf: checkLabelName,
  imageRepository: checkImageRepository,
  imageTag: checkString,
  requirePinnedImages: optional(checkBoolean),
  ...LARAVEL_PROCESS_ENV_RULES,
};
