import { createHash } from 'crypto';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, memoryQuantity, memoryToKibibytes, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import { checkDnsLabel, checkLabelName, checkOneOf, checkProps, checkSize, checkString, optional, Rules } from '../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { AnnotationKeys, LabelKeys, recommendedLabels } from '../core/labels';
import { SecretKeyReference, SecretReferences } from '../core/secret-references';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';
import { derivedName } from '../core/names';

/** Redis `maxmemory-policy` values. */
export type RedisMaxMemoryPolicy = 'noeviction' | 'allkeys-lru' | 'volatile-lru' | 'allkeys-lfu' | 'volatile-lfu' | 'volatile-ttl';

const POLICIES: readonly RedisMaxMemoryPolicy[] = ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'volatile-ttl'];

/** Pinned Redis image. */
export const REDIS_IMAGE = 'redis:7.2.5-alpine';

/** Props of {@link RedisStore}. */
export interface RedisStoreProps {
  /**
   * Name of the Deployment, Service (`REDIS_HOST`), `app` label, and prefix of the PVC and ConfigMap.
   *
   * @default 'redis'
   */
  readonly name?: string;

  /** System name (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Password (Secret `redis-password`, key `password`). */
  readonly password: SecretKeyReference;

  /** Requests and limits of the Redis container. */
  readonly resources: ContainerResourceSpec;

  /** `maxmemory`; below the memory limit (a snapshot's copy-on-write needs headroom). */
  readonly maxMemory: Size;

  /**
   * What Redis does at `maxmemory`. `noeviction` refuses writes rather than drop queued jobs or sessions.
   *
   * @default 'noeviction'
   */
  readonly maxMemoryPolicy?: RedisMaxMemoryPolicy;

  /** Volume size for the append-only file and snapshots. */
  readonly storage: Size;

  /** StorageClass of the volume. */
  readonly storageClassName: string;
}

const PORT = 6379;
/** UID of the `redis` user in the official image. */
const REDIS_UID = 999;

/** Run-time checks of {@link RedisStoreProps}, applied before anything is created. */
const REDIS_STORE_RULES: Rules = {
  name: optional(checkDnsLabel),
  partOf: checkLabelName,
  password: checkSecretKeyReference,
  resources: checkResourceSpec,
  maxMemory: checkSize,
  maxMemoryPolicy: optional(checkString),
  storage: checkSize,
  storageClassName: checkDnsLabel,
};

/**
 * Redis for cache, sessions and queues: Deployment `redis` (one pod, `Recreate`: the volume has one writer),
 * Service `redis` (the apps' `REDIS_HOST`), PVC `redis-pvc` holding the
 * append-only file, and ConfigMap `redis-config`.
 *
 * The password comes from the Secret at start-up into an include file on a memory-backed volume, so it is
 * neither in the rendered manifests nor on the process command line; probes authenticate through
 * `REDISCLI_AUTH`.
 */
export class RedisStore extends Construct {
  /** Deployment `<name>`. */
  public readonly deployment: kplus.Deployment;

  /** Service `<name>`. */
  public readonly service: kplus.Service;

  /** PVC `<name>-pvc`. */
  public readonly pvc: kplus.PersistentVolumeClaim;

  /** ConfigMap `<name>-config` with `redis.conf`. */
  public readonly config: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: RedisStoreProps) {
    super(scope, id);
    checkProps(this, props, REDIS_STORE_RULES);
    const name = props.name ?? 'redis';
    const policy = props.maxMemoryPolicy ?? 'noeviction';
    assertAt(this, 'name', checkDnsLabel(name));
    assertAt(this, 'maxMemoryPolicy', checkOneOf(policy, POLICIES));
    assertAt(this, 'storageClassName', checkDnsLabel(props.storageClassName));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    if (!(memoryToKibibytes(props.maxMemory) > 0) || memoryToKibibytes(props.maxMemory) >= memoryToKibibytes(props.resources.memoryLimit)) {
      failAt(this, 'maxMemory', `must be positive and below the memory limit (${memoryQuantity(props.resources.memoryLimit)}), got ${memoryQuantity(props.maxMemory)}`);
    }

    const labels = (instance: string) => ({
      ...recommendedLabels({ name: 'redis', instance, component: 'cache', partOf: props.partOf }),
      [LabelKeys.APP]: name,
    });
    const selector = { [LabelKeys.APP]: name };

    this.config = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: derivedName(name, 'config'), labels: labels(derivedName(name, 'config')) },
      data: { 'redis.conf': redisConf(props.maxMemory, policy) },
    });
    this.pvc = new kplus.PersistentVolumeClaim(this, 'Data', {
      metadata: { name: derivedName(name, 'pvc'), labels: labels(derivedName(name, 'pvc')) },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: props.storage,
      storageClassName: props.storageClassName,
    });
    const hash = createHash('sha256').update(this.config.data['redis.conf']).digest('hex');
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, labels: labels(name) },
      select: false,
      spread: false,
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      podMetadata: { labels: labels(name), annotations: { [AnnotationKeys.CONFIG_HASH]: hash } },
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(REDIS_UID),
      // Time to write the append-only file on SIGTERM.
      terminationGracePeriod: Duration.seconds(30),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    SecretReferences.of(this).recordKey(this, props.password.secret, props.password.key);
    const password = kplus.EnvValue.fromSecretValue({ secret: props.password.secret, key: props.password.key });
    const container = this.deployment.addContainer({
      name: 'redis',
      image: REDIS_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', 'printf \'requirepass "%s"\\n\' "$REDIS_PASSWORD" > /run/redis/auth.conf && exec redis-server /etc/redis/redis.conf'],
      ports: [{ name: 'redis', number: PORT, protocol: kplus.Protocol.TCP }],
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(REDIS_UID),
      envVariables: { REDIS_PASSWORD: password, REDISCLI_AUTH: password },
    });
    container.mount('/data', kplus.Volume.fromPersistentVolumeClaim(this, 'DataVolume', this.pvc, { name: 'data' }));
    container.mount('/etc/redis', kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.config, { name: 'config' }), { readOnly: true });
    container.mount('/run/redis', kplus.Volume.fromEmptyDir(this, 'Auth', 'auth', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(1) }));

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name, labels: labels(name) },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'redis', port: PORT, targetPort: PORT, protocol: kplus.Protocol.TCP }],
    });
    this.service.selectLabel(LabelKeys.APP, name);

    const obj = ApiObject.of(this.deployment);
    obj.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    // `redis-cli ping` exits 0 on an error reply too (LOADING, NOAUTH): only PONG counts.
    const ping: kplus.k8s.ExecAction = { command: ['/bin/sh', '-c', 'redis-cli -h 127.0.0.1 ping | grep -q PONG'] };
    const probe = (period: number, failures: number): kplus.k8s.Probe => ({
      exec: ping, initialDelaySeconds: 0, periodSeconds: period, timeoutSeconds: 3, successThreshold: 1, failureThreshold: failures,
    });
    // Loading a large append-only file after a restart: allow 5 minutes.
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/startupProbe', probe(5, 60)));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', probe(10, 3)));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', probe(5, 2)));
  }
}

function redisConf(maxMemory: Size, policy: RedisMaxMemoryPolicy): string {
  return [
    'bind 0.0.0.0',
    `port ${PORT}`,
    'dir /data',
    '# Queued jobs and sessions survive a restart: append-only file, fsync every second, plus snapshots.',
    'appendonly yes',
    'appendfsync everysec',
    'save 900 1',
    'save 300 10',
    'save 60 10000',
    `maxmemory ${Math.floor(memoryToKibibytes(maxMemory) / 1024)}mb`,
    `maxmemory-policy ${policy}`,
    '# requirepass, written from the Secret at start-up.',
    'include /run/redis/auth.conf',
    '',
  ].join('\n');
}
