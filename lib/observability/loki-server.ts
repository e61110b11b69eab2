import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from '../core/container-resources';
import { assertAt } from '../core/errors';
import { MonitoringServer, addMonitoringServer, checkServerProps, componentLabels } from './monitoring-server';
import { toYamlDocument } from '../render/yaml';
import { MonitoringNames } from './monitoring-names';
import { checkDnsLabel, checkDnsSubdomain, checkLabelName, checkProps, checkSize, checkString, checkTimeSpan, optional, Rules } from '../core/checks';
import { checkResourceSpec } from '../core/container-resources';

/** Props of {@link LokiServer}. */
export interface LokiServerProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment, Service and data volume claim (`<name>-data`); the configuration is ConfigMap `<name>-config`.
   *
   * @default MonitoringNames.LOKI_SERVICE ('loki')
   */
  readonly name?: string;

  /** Image, pinned (`grafana/loki:3.1.1`). */
  readonly image: string;

  /** Requests and limits of the Loki container. */
  readonly resources: ContainerResourceSpec;

  /** Size of the volume holding chunks, the TSDB index and the compactor's working files. */
  readonly storageSize: Size;

  /**
   * StorageClass of that volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * How long log lines are kept before the compactor deletes them (`limits_config.retention_period`); whole
   * days, since the index is sharded per 24 h period.
   *
   * @see https://grafana.com/docs/loki/latest/operations/storage/retention/
   */
  readonly retentionPeriod: Duration;
}

const CONFIG_DIR = '/etc/loki/config';
const CONFIG_KEY = 'loki.yaml';
const DATA_DIR = '/var/loki';
/** The image's `loki` user. */
const LOKI_UID = 10001;
const GRPC_PORT = 9095;

/**
 * Loki's configuration: single binary, filesystem storage, one replica, retention enforced by the compactor
 * (`retention` written in whole hours, as Loki's examples do: `Duration.days(3)` -> `72h`).
 */
export function lokiConfig(retention: Duration): Record<string, unknown> {
  const retentionHours = retention.toHours();
  return {
    auth_enabled: false,
    server: { http_listen_port: MonitoringNames.LOKI_PORT, grpc_listen_port: GRPC_PORT, log_level: 'info' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: DATA_DIR,
      storage: { filesystem: { chunks_directory: `${DATA_DIR}/chunks`, rules_directory: `${DATA_DIR}/rules` } },
      // One replica: no ring to gossip with, nothing to replicate to.
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
    },
    schema_config: {
      configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    // Without retention_enabled the compactor only compacts and logs are kept forever.
    compactor: {
      working_directory: `${DATA_DIR}/compactor`,
      compaction_interval: '10m',
      retention_enabled: true,
      retention_delete_delay: '2h',
      delete_request_store: 'filesystem',
    },
    limits_config: { retention_period: `${retentionHours}h`, allow_structured_metadata: true },
    analytics: { reporting_enabled: false },
  };
}

/** Run-time checks of {@link LokiServerProps}, applied before anything is created. */
const LOKI_SERVER_RULES: Rules = { partOf: checkLabelName, name: optional(checkDnsLabel), image: checkString, resources: checkResourceSpec, storageSize: checkSize, storageClassName: optional(checkDnsSubdomain), retentionPeriod: (v) => checkTimeSpan(v) };

/**
 * Loki (standalone mode): Deployment `loki` running the single binary (`-target=all`) with filesystem
 * storage on a volume, its configuration in ConfigMap `loki-config`, and Service `loki` on 3100.
 *
 * One replica (its volume is ReadWriteOnce), so no PodDisruptionBudget or spread: a drain restarts it and
 * log shippers retry their pushes meanwhile.
 */
export class LokiServer extends Construct {
  /** Deployment `loki`. */
  public readonly deployment: kplus.Deployment;

  /** Service `loki` (port 3100). */
  public readonly service: kplus.Service;

  /** ConfigMap `loki-config` (key `loki.yaml`). */
  public readonly configMap: kplus.ConfigMap;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: LokiServerProps) {
    super(scope, id);
    checkProps(this, props, LOKI_SERVER_RULES);
    checkServerProps(this, props);
    const retentionSeconds = props.retentionPeriod.toSeconds();
    assertAt(this, 'retentionPeriod', retentionSeconds > 0 && retentionSeconds % 86400 === 0
      ? undefined : `must be a positive number of whole days (the index period is 24h), got ${retentionSeconds}s`);

    const name = props.name ?? MonitoringNames.LOKI_SERVICE;
    const { labels } = componentLabels(name, 'logging', props.partOf);
    const configFile = toYamlDocument(lokiConfig(props.retentionPeriod));
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${name}-config`, labels },
      data: { [CONFIG_KEY]: configFile },
    });
    this.server = addMonitoringServer(this, {
      name,
      component: 'logging',
      partOf: props.partOf,
      image: props.image,
      args: [`-config.file=${CONFIG_DIR}/${CONFIG_KEY}`, '-target=all'],
      ports: [{ name: 'http', port: MonitoringNames.LOKI_PORT }, { name: 'grpc', port: GRPC_PORT }],
      resources: props.resources,
      uid: LOKI_UID,
      readiness: { path: '/ready', portName: 'http', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/ready', portName: 'http', periodSeconds: 30, failureThreshold: 5 },
      // The ingester replays its WAL before it reports ready.
      startup: { path: '/ready', portName: 'http', periodSeconds: 10, failureThreshold: 30 },
      storage: { size: props.storageSize, mountPath: DATA_DIR, storageClassName: props.storageClassName },
      scratch: [{ path: '/tmp', sizeLimit: Size.mebibytes(256) }],
      configMaps: [{ configMap: this.configMap, path: CONFIG_DIR }],
      configData: { [CONFIG_KEY]: configFile },
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
  }
}
