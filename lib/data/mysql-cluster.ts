import { createHash } from 'crypto';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, memoryToKibibytes, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import {
  checkDnsLabel, checkInteger, checkLabelName, checkNonEmpty, checkNumber, checkOneOf, checkProps, checkShape, checkSize, integer, oneOf, optional, Rules,
} from '../core/checks';
import { Engine, adminBinary, clientBinary, primaryCnf, primaryInitScript, replicaCnf, replicaInitScript } from './private/mysql-dialect';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { AnnotationKeys, LabelKeys, recommendedLabels } from '../core/labels';
import { SecretKeyReference, SecretReferences } from '../core/secret-references';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';

/** Database engines: MySQL 8 (the seed's) or MariaDB (what CI can install to prove replication). */
export type MysqlEngine = Engine;

/** Every engine, for validation. */
export const MYSQL_ENGINES: readonly MysqlEngine[] = ['mysql', 'mariadb'];

/** Pinned images per engine. */
export const MYSQL_IMAGES: Readonly<Record<MysqlEngine, string>> = { mysql: 'mysql:8.0.39', mariadb: 'mariadb:11.4.3' };

/** Props of {@link MysqlCluster}. */
export interface MysqlClusterProps {
  /** System name (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Engine of every server.
   *
   * @default 'mysql'
   */
  readonly engine?: MysqlEngine;

  /** Number of read replicas, `mysql-replica-1` to `mysql-replica-<n>`; 0 for a primary alone. */
  readonly replicas: number;

  /**
   * Database the primary creates on first start (`MYSQL_DATABASE`).
   *
   * @default 'app'
   */
  readonly database?: string;

  /** Volume size of each server. */
  readonly storage: Size;

  /** StorageClass of the volumes (seed: `fast-ssd`). */
  readonly storageClassName: string;

  /** Requests and limits of each server. */
  readonly resources: ContainerResourceSpec;

  /**
   * `innodb_buffer_pool_size` of the primary; below the memory limit.
   *
   * @default Size.gibibytes(2)
   */
  readonly primaryBufferPool?: Size;

  /**
   * `innodb_buffer_pool_size` of each replica; below the memory limit.
   *
   * @default Size.gibibytes(3)
   */
  readonly replicaBufferPool?: Size;

  /**
   * `max_connections` of the primary.
   *
   * @default 500
   */
  readonly primaryMaxConnections?: number;

  /**
   * `max_connections` of each replica.
   *
   * @default 1000
   */
  readonly replicaMaxConnections?: number;

  /** Root password (seed: Secret `mysql-secret`, key `root-password`). */
  readonly rootPassword: SecretKeyReference;

  /** Password of the replication account. */
  readonly replicationPassword: SecretKeyReference;

  /**
   * Name of the replication account.
   *
   * @default 'repl'
   */
  readonly replicationUser?: string;

  /**
   * The application's account, created on the primary's first start and replicated (`MYSQL_USER`,
   * `MYSQL_PASSWORD`).
   *
   * @default - no application account
   */
  readonly appUser?: { readonly username: SecretKeyReference; readonly password: SecretKeyReference };
}

const PORT = 3306;

/** Names of a {@link MysqlCluster}'s Services, which clients address the servers by. */
export const MysqlServiceNames = {
  /** The primary (writes): `mysql-primary`. */
  PRIMARY: 'mysql-primary',
  /** The replicas load-balanced, or the primary when there are none: `mysql-replicas`. */
  READ: 'mysql-replicas',
  /** Replica `n` (from 1): `mysql-replica-<n>`. */
  replica: (n: number): string => `mysql-replica-${n}`,
} as const;
/** UID of the `mysql` user in both the MySQL and the MariaDB images. */
const MYSQL_UID = 999;

/** One server: its StatefulSet, its headless Service and its data volume. */
export interface MysqlServer {
  /** StatefulSet of exactly one pod. */
  readonly statefulSet: kplus.StatefulSet;

  /** Headless Service giving the pod its stable DNS name. */
  readonly service: kplus.Service;

  /** The server's PersistentVolumeClaim. */
  readonly pvc: kplus.PersistentVolumeClaim;

  /** ConfigMap holding the server's `.cnf`. */
  readonly config: kplus.ConfigMap;

  /** `server-id`. */
  readonly serverId: number;
}

/** Run-time checks of {@link MysqlClusterProps}, applied before anything is created. */
const MYSQL_CLUSTER_RULES: Rules = {
  partOf: checkLabelName,
  engine: optional(oneOf(MYSQL_ENGINES)),
  replicas: (v) => checkNumber(v),
  database: optional(checkNonEmpty),
  storage: checkSize,
  storageClassName: checkDnsLabel,
  resources: checkResourceSpec,
  primaryBufferPool: optional(checkSize),
  replicaBufferPool: optional(checkSize),
  primaryMaxConnections: optional(integer(1)),
  replicaMaxConnections: optional(integer(1)),
  rootPassword: checkSecretKeyReference,
  replicationPassword: checkSecretKeyReference,
  replicationUser: optional(checkNonEmpty),
  appUser: optional(checkShape({ username: checkSecretKeyReference, password: checkSecretKeyReference })),
};

/**
 * A MySQL primary with read replicas that really replicate.
 *
 * - Primary StatefulSet `mysql-primary` behind headless Service `mysql-primary`; replicas
 *   `mysql-replica-<n>`, each its own StatefulSet and headless Service (the seed's DNS names
 *   `mysql-replica-1-0.mysql-replica-1`), load-balanced by Service `mysql-replicas`. Pods carry `app: mysql`
 *   and `role: primary|replica` (the seed's runbook selects `app=mysql`).
 * - Storage: every server is a StatefulSet of exactly one pod (one writer per data directory, never two
 *   pods on it even during a node failure) whose data is an explicitly named PersistentVolumeClaim, not a
 *   `volumeClaimTemplate` (which would be named `<template>-<pod>`): the primary's is `mysql-pvc`, the name
 *   the seed's validation script checks, each replica's `<replica>-pvc`.
 * - Each server has its own `server-id` in its own ConfigMap (the seed gave every replica `2`, which breaks
 *   replication as soon as there are two).
 * - Replication: GTID-based. The primary's init script creates the replication account; each replica's
 *   points replication at `mysql-primary` and starts it. Both run from `/docker-entrypoint-initdb.d` when a
 *   server initialises its data directory, take credentials from Secrets through the environment, and are
 *   idempotent. CI runs the same scripts against two MariaDB servers (`scripts/e2e-replication.sh`).
 * - Replicas prefer different nodes than every other MySQL pod; a PDB keeps all but one replica up during
 *   drains. The primary has none: a budget for a single pod either blocks every drain or permits nothing.
 */
export class MysqlCluster extends Construct {
  /** The primary. */
  public readonly primary: MysqlServer;

  /** The replicas, in order. */
  public readonly replicas: MysqlServer[];

  /** Service `mysql-replicas`: the replicas, or the primary when there are none, so reads always resolve. */
  public readonly readService: kplus.Service;

  /** ConfigMap `mysql-init-scripts`: the primary's and the replicas' init scripts. */
  public readonly initScripts: kplus.ConfigMap;

  /** PDB `mysql-replicas-pdb`, with two replicas or more. */
  public readonly replicasPdb?: kplus.k8s.KubePodDisruptionBudget;

  /** Engine of every server. */
  public readonly engine: MysqlEngine;

  private readonly props: MysqlClusterProps;

  constructor(scope: Construct, id: string, props: MysqlClusterProps) {
    super(scope, id);
    checkProps(this, props, MYSQL_CLUSTER_RULES);
    this.props = props;
    this.engine = props.engine ?? 'mysql';
    const database = props.database ?? 'app';
    const primaryBufferPool = props.primaryBufferPool ?? Size.gibibytes(2);
    const replicaBufferPool = props.replicaBufferPool ?? Size.gibibytes(3);
    const replicationUser = props.replicationUser ?? 'repl';

    assertAt(this, 'engine', checkOneOf(this.engine, MYSQL_ENGINES));
    assertAt(this, 'replicas', checkInteger(props.replicas, 0, 9));
    assertAt(this, 'database', /^[A-Za-z0-9_]{1,64}$/.test(database) ? undefined : `must be a database name (letters, digits, _), got ${JSON.stringify(database)}`);
    assertAt(this, 'storageClassName', checkDnsLabel(props.storageClassName));
    assertAt(this, 'replicationUser', /^[A-Za-z0-9_]{1,32}$/.test(replicationUser) ? undefined : `must be a user name (letters, digits, _), got ${JSON.stringify(replicationUser)}`);
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    for (const [field, pool] of [['primaryBufferPool', primaryBufferPool], ['replicaBufferPool', replicaBufferPool]] as const) {
      if (memoryToKibibytes(pool) >= memoryToKibibytes(props.resources.memoryLimit)) {
        failAt(this, field, `must be below the memory limit (${cnfSize(props.resources.memoryLimit)}), got ${cnfSize(pool)}`);
      }
    }
    assertAt(this, 'primaryMaxConnections', checkInteger(props.primaryMaxConnections ?? 500, 1));
    assertAt(this, 'replicaMaxConnections', checkInteger(props.replicaMaxConnections ?? 1000, 1));
    assertAt(this, 'rootPassword.key', checkNonEmpty(props.rootPassword.key));
    assertAt(this, 'replicationPassword.key', checkNonEmpty(props.replicationPassword.key));

    this.initScripts = new kplus.ConfigMap(this, 'InitScripts', {
      metadata: { name: 'mysql-init-scripts', labels: this.labels('mysql-init-scripts') },
      data: { 'primary-init.sh': primaryInitScript(this.engine), 'replica-init.sh': replicaInitScript(this.engine) },
    });

    const common: Record<string, kplus.EnvValue> = {
      MYSQL_ROOT_PASSWORD: this.secretEnv(props.rootPassword),
      MYSQL_REPLICATION_USER: kplus.EnvValue.fromValue(replicationUser),
      MYSQL_REPLICATION_PASSWORD: this.secretEnv(props.replicationPassword),
    };
    this.primary = this.addServer({
      id: 'Primary',
      name: MysqlServiceNames.PRIMARY,
      pvcName: 'mysql-pvc',
      serverId: 1,
      role: 'primary',
      cnfKey: 'primary.cnf',
      cnf: primaryCnf(this.engine, { serverId: 1, maxConnections: props.primaryMaxConnections ?? 500, bufferPool: cnfSize(primaryBufferPool) }),
      initScript: 'primary-init.sh',
      env: {
        ...common,
        MYSQL_DATABASE: kplus.EnvValue.fromValue(database),
        ...(props.appUser === undefined ? {} : {
          MYSQL_USER: this.secretEnv(props.appUser.username),
          MYSQL_PASSWORD: this.secretEnv(props.appUser.password),
        }),
      },
    });

    this.replicas = [];
    for (let n = 1; n <= props.replicas; n++) {
      const name = MysqlServiceNames.replica(n);
      // The primary is 1; replica n is n + 1.
      const serverId = n + 1;
      this.replicas.push(this.addServer({
        id: `Replica${n}`,
        name,
        pvcName: `${name}-pvc`,
        serverId,
        role: 'replica',
        replicaId: String(n),
        cnfKey: 'replica.cnf',
        cnf: replicaCnf(this.engine, { serverId, maxConnections: props.replicaMaxConnections ?? 1000, bufferPool: cnfSize(replicaBufferPool) }),
        initScript: 'replica-init.sh',
        env: {
          ...common,
          MYSQL_SOURCE_HOST: kplus.EnvValue.fromValue(this.primary.service.name),
          MYSQL_SOURCE_PORT: kplus.EnvValue.fromValue(String(PORT)),
        },
      }));
    }

    this.readService = this.addService('ReadService', MysqlServiceNames.READ, this.roleSelector(props.replicas > 0 ? 'replica' : 'primary'), false);
    if (props.replicas >= 2) {
      this.replicasPdb = new kplus.k8s.KubePodDisruptionBudget(this, 'ReplicasDisruptionBudget', {
        metadata: { name: 'mysql-replicas-pdb', labels: this.labels('mysql-replicas-pdb') },
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.roleSelector('replica') } },
      });
    }
  }

  private secretEnv(ref: SecretKeyReference): kplus.EnvValue {
    SecretReferences.of(this).recordKey(this, ref.secret, ref.key);
    return kplus.EnvValue.fromSecretValue({ secret: ref.secret, key: ref.key });
  }

  private labels(instance: string): Record<string, string> {
    return {
      ...recommendedLabels({ name: 'mysql', instance, component: 'database', partOf: this.props.partOf }),
      [LabelKeys.APP]: 'mysql',
    };
  }

  private roleSelector(role: 'primary' | 'replica'): Record<string, string> {
    return { [LabelKeys.APP]: 'mysql', role };
  }

  private addService(id: string, name: string, selector: Record<string, string>, headless: boolean): kplus.Service {
    const service = new kplus.Service(this, id, {
      metadata: { name, labels: this.labels(name) },
      clusterIP: headless ? 'None' : undefined,
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'mysql', port: PORT, targetPort: PORT, protocol: kplus.Protocol.TCP }],
    });
    for (const [key, value] of Object.entries(selector)) {
      service.selectLabel(key, value);
    }
    return service;
  }

  private addServer(s: ServerSpec): MysqlServer {
    const selector = { ...this.roleSelector(s.role), ...(s.replicaId === undefined ? {} : { 'replica-id': s.replicaId }) };
    const config = new kplus.ConfigMap(this, `${s.id}Config`, {
      metadata: { name: `${s.name}-config`, labels: this.labels(`${s.name}-config`) },
      data: { [s.cnfKey]: s.cnf },
    });
    const service = this.addService(`${s.id}Service`, s.name, selector, true);
    const pvc = new kplus.PersistentVolumeClaim(this, `${s.id}Data`, {
      metadata: { name: s.pvcName, labels: this.labels(s.pvcName) },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: this.props.storage,
      storageClassName: this.props.storageClassName,
    });
    const podLabels = { ...this.labels(s.name), ...selector };
    const statefulSet = new kplus.StatefulSet(this, s.id, {
      metadata: { name: s.name, labels: podLabels },
      service,
      select: false,
      spread: false,
      // Exactly one pod: the data directory has one writer.
      replicas: 1,
      podMetadata: {
        labels: podLabels,
        annotations: { [AnnotationKeys.CONFIG_HASH]: configHash([config, this.initScripts]) },
      },
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(MYSQL_UID),
      // InnoDB flushes and shuts down cleanly within this; a kill would mean crash recovery at the next start.
      terminationGracePeriod: Duration.seconds(60),
    });
    statefulSet.select(kplus.LabelSelector.of({ labels: selector }));
    // cdk8s-plus adds the StatefulSet's path label to its Service's selector; the pods no longer carry it.
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));
    const container = statefulSet.addContainer({
      name: 'mysql',
      image: MYSQL_IMAGES[this.engine],
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'mysql', number: PORT, protocol: kplus.Protocol.TCP }],
      resources: toContainerResources(this.props.resources),
      securityContext: restrictedContainerSecurityContext(MYSQL_UID),
      envVariables: s.env,
    });
    container.mount('/var/lib/mysql', kplus.Volume.fromPersistentVolumeClaim(this, `${s.id}DataVolume`, pvc, { name: 'data' }));
    container.mount('/etc/mysql/conf.d', kplus.Volume.fromConfigMap(this, `${s.id}ConfigVolume`, config, { name: 'config' }), { readOnly: true });
    container.mount('/docker-entrypoint-initdb.d', kplus.Volume.fromConfigMap(this, `${s.id}InitVolume`, this.initScripts, {
      name: 'init',
      // Executable, so the entrypoint runs the script in its own shell instead of sourcing it.
      defaultMode: 0o555,
      items: { [s.initScript]: { path: `10-${s.initScript}` } },
    }), { readOnly: true });
    // The root filesystem is read-only: the socket, pid file and temporary tables need somewhere to go.
    const run = kplus.Volume.fromEmptyDir(this, `${s.id}Run`, 'run', { sizeLimit: Size.mebibytes(16) });
    const tmp = kplus.Volume.fromEmptyDir(this, `${s.id}Tmp`, 'tmp', { sizeLimit: Size.gibibytes(1) });
    container.mount('/var/run/mysqld', run);
    container.mount('/tmp', tmp);

    const obj = ApiObject.of(statefulSet);
    obj.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    const affinity: kplus.k8s.Affinity = {
      podAntiAffinity: {
        // Preferred, not required: a small cluster must still be able to run every server.
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { [LabelKeys.APP]: 'mysql' } } },
        }],
      },
    };
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/affinity', affinity));
    const admin = adminBinary(this.engine);
    const client = clientBinary(this.engine);
    const execProbe = (command: string[], period: number, failures: number, delay = 0): kplus.k8s.Probe => ({
      exec: { command }, initialDelaySeconds: delay, periodSeconds: period, timeoutSeconds: 5, successThreshold: 1, failureThreshold: failures,
    });
    // Alive: the server answers at all (an authentication error still proves it runs).
    const ping = [admin, 'ping', '--silent'];
    // Ready: root can run a query, so the first initialisation has finished.
    const query = ['/bin/sh', '-c', `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec ${client} --user=root --execute="SELECT 1"`];
    // First start initialises the data directory and runs the init scripts: allow 10 minutes.
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/startupProbe', execProbe(ping, 10, 60)));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', execProbe(ping, 10, 6)));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', execProbe(query, 5, 3)));
    return { statefulSet, service, pvc, config, serverId: s.serverId };
  }
}

interface ServerSpec {
  readonly id: string;
  readonly name: string;
  readonly pvcName: string;
  readonly serverId: number;
  readonly role: 'primary' | 'replica';
  readonly replicaId?: string;
  readonly cnfKey: string;
  readonly cnf: string;
  readonly initScript: string;
  readonly env: Record<string, kplus.EnvValue>;
}

/** A size in `my.cnf` units: whole GiB as `2G`, else MiB as `768M`. */
function cnfSize(size: Size): string {
  const kib = memoryToKibibytes(size);
  return kib % (1024 * 1024) === 0 ? `${kib / (1024 * 1024)}G` : `${Math.floor(kib / 1024)}M`;
}

function configHash(maps: kplus.ConfigMap[]): string {
  const hash = createHash('sha256');
  for (const cm of maps) {
    hash.update(cm.name);
    for (const key of Object.keys(cm.data).sort()) {
      hash.update(`\0${key}\0${cm.data[key]}`);
    }
  }
  return hash.digest('hex');
}
