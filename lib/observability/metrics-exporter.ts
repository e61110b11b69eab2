import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources } from '../core/container-resources';
import { ValidationError, assertAt, failAt, show } from '../core/errors';
import {
  checkArrayOf, checkDnsLabel, checkEnv, checkEnvName, checkInteger, checkLabelName, checkNonEmpty, checkPort, checkProps, checkRecordOf, checkString, checkUrlPath, integer, optional, Rules,
} from '../core/checks';
import { MonitoringServer, addMonitoringServer, checkPinnedImage } from './monitoring-server';
import { SecretKeyReference, SecretReferences } from '../core/secret-references';
import { ServiceScrapeTarget } from './scrape-targets';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';

/** Props of {@link MetricsExporter}. */
export interface MetricsExporterProps {
  /** Name of the Deployment and Service, and the scrape job (`redis-exporter`). */
  readonly name: string;

  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Image, pinned. */
  readonly image: string;

  /** Port the exporter serves metrics on, exposed as the port named `metrics`. */
  readonly port: number;

  /** Path the liveness and readiness probes request on that port. */
  readonly healthPath: string;

  /** Requests and limits of the exporter container. */
  readonly resources: ContainerResourceSpec;

  /** UID the image runs as. */
  readonly runAsUser: number;

  /**
   * Metric families the exporter produces (names or prefixes: `redis_`); see `ScrapeTarget.metrics`.
   *
   * @default - none declared: rules over its metrics fail synth
   */
  readonly metrics?: readonly string[];

  /**
   * Servers probed through the exporter's `/probe` endpoint; see `ServiceScrapeTarget.probeTargets`.
   *
   * @default - none: the exporter's `/metrics` is the one target
   */
  readonly probeTargets?: readonly string[];

  /**
   * Command-line arguments.
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Plain environment variables.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secret keys (credentials of the monitored server).
   *
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;
}

/** Props of {@link MetricsExporter.redis}. */
export interface RedisExporterProps {
  /** System the objects belong to. */
  readonly partOf: string;
  /** Image, pinned (`oliver006/redis_exporter:v1.62.0`). */
  readonly image: string;
  /** Requests and limits. */
  readonly resources: ContainerResourceSpec;
  /** Redis address (`redis://redis:6379`). */
  readonly redisAddress: string;
  /** Secret key with the Redis password. */
  readonly password: SecretKeyReference;

  /**
   * Keys (in database 0) whose length is exported as `redis_key_size{db="db0",key=...}` (lists: `LLEN`;
   * 0 while the key does not exist), through `REDIS_EXPORTER_CHECK_SINGLE_KEYS`: exact keys, no `SCAN`.
   *
   * @default - none
   * @see https://github.com/oliver006/redis_exporter#command-line-flags
   */
  readonly checkSingleKeys?: string[];
}

/** Props of {@link MetricsExporter.mysql}. */
export interface MysqlExporterProps {
  /** System the objects belong to. */
  readonly partOf: string;
  /** Image, pinned (`prom/mysqld-exporter:v0.15.1`). */
  readonly image: string;
  /** Requests and limits. */
  readonly resources: ContainerResourceSpec;
  /** MySQL `host:port` (`mysql-primary:3306`). */
  readonly mysqlAddress: string;
  /**
   * More MySQL servers (`host:port`) the exporter probes (`/probe?target=`, same user and password), so
   * every replica is watched: replication threads and lag exist only on replicas. The primary
   * (`mysqlAddress`) is probed too, so all servers share one job with an `instance` each.
   *
   * @default - none: only `mysqlAddress`, scraped at `/metrics`
   */
  readonly replicaAddresses?: readonly string[];
  /** MySQL user with PROCESS, REPLICATION CLIENT and SELECT grants (not secret). */
  readonly username: string;
  /** Secret key with that user's password. */
  readonly password: SecretKeyReference;
}

/** Run-time checks of {@link MetricsExporterProps}, applied before anything is created. */
const METRICS_EXPORTER_RULES: Rules = {
  name: checkDnsLabel,
  partOf: checkLabelName, image: checkString, resources: checkResourceSpec,
  port: checkPort,
  healthPath: checkUrlPath,
  runAsUser: integer(1),
  args: optional(checkArrayOf(checkString)),
  env: optional(checkEnv),
  secretEnv: optional(checkRecordOf(checkEnvName, checkSecretKeyReference)),
};

/**
 * A Prometheus exporter beside the server it watches: Deployment and Service `<name>` in the chart's
 * namespace (so it can read that namespace's Secrets), and the scrape target describing it.
 */
export class MetricsExporter extends Construct {
  /** redis_exporter on 9121 (`redis-exporter:9121`). */
  public static redis(scope: Construct, id: string, props: RedisExporterProps): MetricsExporter {
    const keys = props.checkSingleKeys ?? [];
    keys.forEach((key, i) => {
      // The exporter splits the list on ',' and each entry on '=', and URL-decodes the key.
      if (typeof key !== 'string' || !/^[^\s,=%]+$/.test(key)) {
        throw new ValidationError(`${scope.node.path}/${id}`, `checkSingleKeys[${i}]`, `must be a Redis key without spaces, ',', '=' or '%', got ${show(key)}`);
      }
    });
    if (new Set(keys).size !== keys.length) {
      throw new ValidationError(`${scope.node.path}/${id}`, 'checkSingleKeys', `must not repeat a key, got ${show(keys)}`);
    }
    return new MetricsExporter(scope, id, {
      name: 'redis-exporter',
      partOf: props.partOf,
      image: props.image,
      port: 9121,
      healthPath: '/health',
      resources: props.resources,
      // The image's own user.
      runAsUser: 59000,
      env: {
        REDIS_ADDR: props.redisAddress,
        REDIS_EXPORTER_WEB_LISTEN_ADDRESS: ':9121',
        ...(keys.length > 0 ? { REDIS_EXPORTER_CHECK_SINGLE_KEYS: keys.map((key) => `db0=${key}`).join(',') } : {}),
      },
      metrics: ['redis_'],
      secretEnv: { REDIS_PASSWORD: props.password },
    });
  }

  /** mysqld_exporter on 9104 (`mysql-exporter:9104`). */
  public static mysql(scope: Construct, id: string, props: MysqlExporterProps): MetricsExporter {
    const replicas = props.replicaAddresses ?? [];
    for (const [i, address] of replicas.entries()) {
      if (!/^[a-z0-9.-]+:[0-9]+$/.test(address)) {
        throw new ValidationError(`${scope.node.path}/${id}`, `replicaAddresses[${i}]`, `must be host:port, got ${JSON.stringify(address)}`);
      }
    }
    return new MetricsExporter(scope, id, {
      probeTargets: replicas.length > 0 ? [props.mysqlAddress, ...replicas] : undefined,
      name: 'mysql-exporter',
      partOf: props.partOf,
      image: props.image,
      port: 9104,
      healthPath: '/',
      resources: props.resources,
      runAsUser: 65534,
      metrics: ['mysql_'],
      // v0.15 takes the address and user as flags and only the password from the environment.
      args: [`--mysqld.address=${props.mysqlAddress}`, `--mysqld.username=${props.username}`, '--web.listen-address=:9104'],
      secretEnv: { MYSQLD_EXPORTER_PASSWORD: props.password },
    });
  }

  /** Deployment `<name>`. */
  public readonly deployment: kplus.Deployment;

  /** Service `<name>` with port `metrics`. */
  public readonly service: kplus.Service;

  /** The scrape target: job `<name>`, Service `<name>`, port `metrics`. */
  public readonly target: ServiceScrapeTarget;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: MetricsExporterProps) {
    super(scope, id);
    checkProps(this, props, METRICS_EXPORTER_RULES);
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'image', checkPinnedImage(props.image));
    assertAt(this, 'port', checkInteger(props.port, 1, 65535));
    assertAt(this, 'runAsUser', checkInteger(props.runAsUser, 1));
    assertAt(this, 'healthPath', checkNonEmpty(props.healthPath));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, `resources.${resources.field}`, resources.problem);
    }
    const env: Record<string, kplus.EnvValue> = {};
    for (const [name, value] of Object.entries(props.env ?? {})) {
      env[name] = kplus.EnvValue.fromValue(value);
    }
    for (const [name, ref] of Object.entries(props.secretEnv ?? {})) {
      assertAt(this, `secretEnv.${name}`, env[name] !== undefined ? 'is also set in env: give each variable one source' : undefined);
      env[name] = kplus.EnvValue.fromSecretValue({ secret: ref.secret, key: ref.key });
      SecretReferences.of(this).recordKey(this, ref.secret, ref.key);
    }
    this.server = addMonitoringServer(this, {
      name: props.name,
      component: 'metrics-exporter',
      partOf: props.partOf,
      image: props.image,
      args: props.args,
      env,
      ports: [{ name: 'metrics', port: props.port }],
      resources: props.resources,
      uid: props.runAsUser,
      readiness: { path: props.healthPath, portName: 'metrics', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: props.healthPath, portName: 'metrics', periodSeconds: 20, failureThreshold: 3 },
      rollingUpdate: true,
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
    this.target = {
      kind: 'service',
      job: props.name,
      namespace: Chart.of(this).namespace ?? 'default',
      serviceName: props.name,
      serviceLabels: this.server.selector,
      portName: 'metrics',
      port: props.port,
      ...(props.metrics !== undefined ? { metrics: [...props.metrics] } : {}),
      ...(props.probeTargets !== undefined ? { probeTargets: [...props.probeTargets] } : {}),
    };
  }
}
