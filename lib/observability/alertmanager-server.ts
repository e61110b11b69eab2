import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from '../core/container-resources';
import { MonitoringServer, addMonitoringServer, checkServerProps } from './monitoring-server';
import { MonitoringNames } from './monitoring-names';
import { SecretReferences } from '../core/secret-references';
import { checkDnsLabel, checkDnsSubdomain, checkLabelName, checkProps, checkSecret, checkSize, checkString, optional, Rules } from '../core/checks';
import { checkResourceSpec } from '../core/container-resources';

/** Props of {@link AlertmanagerServer}. */
export interface AlertmanagerServerProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment, Service and data volume claim (`<name>-data`).
   *
   * @default MonitoringNames.ALERTMANAGER_SERVICE ('alertmanager')
   */
  readonly name?: string;

  /**
   * Name of the ConfigMap holding the configuration (`AlertmanagerRouting` `name`).
   *
   * @default MonitoringNames.ALERTMANAGER_CONFIG ('alertmanager-config')
   */
  readonly configMapName?: string;

  /**
   * Secret holding the receivers' credentials, mounted at `MonitoringNames.ALERTMANAGER_RECEIVERS_MOUNT_PATH`
   * for the configuration's `*_file` fields; created outside the manifests.
   *
   * @default - the Secret `alertmanager-receivers` (MonitoringNames.ALERTMANAGER_RECEIVERS_SECRET) in the chart's namespace
   */
  readonly receiversSecret?: kplus.ISecret;

  /** Image, pinned (`prom/alertmanager:v0.27.0`). */
  readonly image: string;

  /** Requests and limits of the Alertmanager container. */
  readonly resources: ContainerResourceSpec;

  /** Size of the volume holding silences and the notification log. */
  readonly storageSize: Size;

  /**
   * StorageClass of that volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

const CONFIG_DIR = '/etc/alertmanager/config';
const DATA_DIR = '/alertmanager';
/** The image's `nobody` user. */
const ALERTMANAGER_UID = 65534;

/** Run-time checks of {@link AlertmanagerServerProps}, applied before anything is created. */
const ALERTMANAGER_SERVER_RULES: Rules = {
  partOf: checkLabelName, name: optional(checkDnsLabel), configMapName: optional(checkDnsSubdomain), receiversSecret: optional(checkSecret), image: checkString,
  resources: checkResourceSpec, storageSize: checkSize, storageClassName: optional(checkDnsSubdomain),
};

/**
 * Alertmanager (standalone mode): Deployment and Service `alertmanager` on 9093, with a volume so silences
 * and the notification log survive a restart.
 *
 * The configuration is ConfigMap `alertmanager-config` (key `alertmanager.yml`), rendered by
 * `AlertmanagerRouting`; it holds no credentials. Receiver credentials are Secret `alertmanager-receivers`,
 * created outside the manifests and mounted as files the configuration reads with `*_file` fields.
 */
export class AlertmanagerServer extends Construct {
  /** Deployment `alertmanager`. */
  public readonly deployment: kplus.Deployment;

  /** Service `alertmanager` (port 9093). */
  public readonly service: kplus.Service;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: AlertmanagerServerProps) {
    super(scope, id);
    checkProps(this, props, ALERTMANAGER_SERVER_RULES);
    checkServerProps(this, props);
    const config = kplus.ConfigMap.fromConfigMapName(this, 'Config', props.configMapName ?? MonitoringNames.ALERTMANAGER_CONFIG);
    const receivers = props.receiversSecret ?? kplus.Secret.fromSecretName(this, 'Receivers', MonitoringNames.ALERTMANAGER_RECEIVERS_SECRET);
    SecretReferences.of(this).recordWholeSecret(this, receivers);
    this.server = addMonitoringServer(this, {
      name: props.name ?? MonitoringNames.ALERTMANAGER_SERVICE,
      component: 'monitoring',
      partOf: props.partOf,
      image: props.image,
      args: [
        `--config.file=${CONFIG_DIR}/${MonitoringNames.ALERTMANAGER_CONFIG_KEY}`,
        `--storage.path=${DATA_DIR}`,
        `--web.listen-address=:${MonitoringNames.ALERTMANAGER_PORT}`,
        // One replica: no gossip cluster to join (an empty address disables it).
        '--cluster.listen-address=',
      ],
      ports: [{ name: 'http', port: MonitoringNames.ALERTMANAGER_PORT }],
      resources: props.resources,
      uid: ALERTMANAGER_UID,
      readiness: { path: '/-/ready', portName: 'http', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/-/healthy', portName: 'http', periodSeconds: 15, failureThreshold: 3 },
      storage: { size: props.storageSize, mountPath: DATA_DIR, storageClassName: props.storageClassName },
      // The configuration is rendered by the alerting constructs; it joins the hash through hashMountedConfig.
      configData: {},
      configMaps: [{ configMap: config, path: CONFIG_DIR }],
      secrets: [{ secret: receivers, path: MonitoringNames.ALERTMANAGER_RECEIVERS_MOUNT_PATH }],
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
  }

  /**
   * Hashes files the server mounts from an object rendered elsewhere (the configuration in ConfigMap `alertmanager-config`) into the pod
   * template, so any change to them rolls the pod and reaches the running server without a manual step.
   * `files` is read when the manifest is rendered.
   *
   * @throws Error when `name` is hashed already
   */
  public hashMountedConfig(name: string, files: () => Record<string, string>): void {
    this.server.configHash!.add(name, files);
  }
}
