import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec } from '../core/container-resources';
import { MonitoringServer, addMonitoringServer, checkServerProps, componentLabels } from './monitoring-server';
import { toYamlDocument } from '../render/yaml';
import { GrafanaProvisioning } from './grafana-provisioning';
import { SecretKeyReference, SecretReferences } from '../core/secret-references';
import { checkDnsLabel, checkDnsSubdomain, checkInstance, checkLabelName, checkProps, checkSize, checkString, optional, Rules } from '../core/checks';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';

/** Props of {@link GrafanaServer}. */
export interface GrafanaServerProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment, Service and data volume claim (`<name>-data`); the dashboard provider
   * ConfigMap is `<name>-dashboard-provider`.
   *
   * @default 'grafana'
   */
  readonly name?: string;

  /** Image, pinned (`grafana/grafana:11.2.0`). */
  readonly image: string;

  /** Requests and limits of the Grafana container. */
  readonly resources: ContainerResourceSpec;

  /** Size of the volume holding Grafana's database (users, preferences, annotations). */
  readonly storageSize: Size;

  /**
   * StorageClass of that volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /** Datasources and dashboards to load. */
  readonly provisioning: GrafanaProvisioning;

  /** Secret key holding the admin user name. */
  readonly adminUser: SecretKeyReference;

  /** Secret key holding the admin password (the seed's literal password never appears in the output). */
  readonly adminPassword: SecretKeyReference;
}

const PORT = 3000;
/** The image's `grafana` user. */
const GRAFANA_UID = 472;
const DATA_DIR = '/var/lib/grafana';
const PROVISIONING_DIR = '/etc/grafana/provisioning';
const DASHBOARDS_DIR = '/etc/grafana/dashboards';

/** Run-time checks of {@link GrafanaServerProps}, applied before anything is created. */
const GRAFANA_SERVER_RULES: Rules = {
  partOf: checkLabelName, name: optional(checkDnsLabel), image: checkString, resources: checkResourceSpec,
  storageSize: checkSize,
  storageClassName: optional(checkDnsSubdomain),
  provisioning: checkInstance((v) => v instanceof GrafanaProvisioning, 'a GrafanaProvisioning'),
  adminUser: checkSecretKeyReference,
  adminPassword: checkSecretKeyReference,
};

/**
 * Grafana (standalone mode): Deployment and Service `grafana` on 3000, with a data volume, datasources and
 * dashboards provisioned from {@link GrafanaProvisioning}'s ConfigMaps (read-only in the UI: changes go
 * through code review), and admin credentials read from a Secret.
 */
export class GrafanaServer extends Construct {
  /** Deployment `grafana`. */
  public readonly deployment: kplus.Deployment;

  /** Service `grafana` (port 3000). */
  public readonly service: kplus.Service;

  /** ConfigMap `grafana-dashboard-provider`: where the dashboard files are. */
  public readonly dashboardProvider: kplus.ConfigMap;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: GrafanaServerProps) {
    super(scope, id);
    checkProps(this, props, GRAFANA_SERVER_RULES);
    checkServerProps(this, props);
    const name = props.name ?? 'grafana';
    const { labels } = componentLabels(name, 'monitoring', props.partOf);
    // A file provider, pointed at the mounted ConfigMaps; one sub-folder per dashboard.
    const providerFile = toYamlDocument({
      apiVersion: 1,
      providers: [{
        name: 'default',
        orgId: 1,
        folder: '',
        type: 'file',
        disableDeletion: true,
        editable: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      }],
    });
    this.dashboardProvider = new kplus.ConfigMap(this, 'DashboardProvider', {
      metadata: { name: `${name}-dashboard-provider`, labels },
      data: { 'dashboards.yaml': providerFile },
    });

    const registry = SecretReferences.of(this);
    registry.recordKey(this, props.adminUser.secret, props.adminUser.key);
    registry.recordKey(this, props.adminPassword.secret, props.adminPassword.key);
    const dashboards = Object.entries(props.provisioning.dashboardConfigMaps).sort(([a], [b]) => (a < b ? -1 : 1));
    this.server = addMonitoringServer(this, {
      name,
      component: 'monitoring',
      partOf: props.partOf,
      image: props.image,
      env: {
        GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({ secret: props.adminUser.secret, key: props.adminUser.key }),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: props.adminPassword.secret, key: props.adminPassword.key }),
        GF_PATHS_DATA: kplus.EnvValue.fromValue(DATA_DIR),
        GF_PATHS_PROVISIONING: kplus.EnvValue.fromValue(PROVISIONING_DIR),
        GF_USERS_ALLOW_SIGN_UP: kplus.EnvValue.fromValue('false'),
        GF_AUTH_ANONYMOUS_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_UPDATES: kplus.EnvValue.fromValue('false'),
      },
      ports: [{ name: 'http', port: PORT }],
      resources: props.resources,
      uid: GRAFANA_UID,
      readiness: { path: '/api/health', portName: 'http', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/api/health', portName: 'http', periodSeconds: 15, failureThreshold: 5 },
      // Database migrations on an upgrade run before the API answers.
      startup: { path: '/api/health', portName: 'http', periodSeconds: 10, failureThreshold: 30 },
      storage: { size: props.storageSize, mountPath: DATA_DIR, storageClassName: props.storageClassName },
      scratch: [{ path: '/tmp', sizeLimit: Size.mebibytes(256) }],
      configMaps: [
        { configMap: props.provisioning.datasourcesConfigMap, path: `${PROVISIONING_DIR}/datasources` },
        { configMap: this.dashboardProvider, path: `${PROVISIONING_DIR}/dashboards` },
        ...dashboards.map(([uid, configMap]) => ({ configMap, path: `${DASHBOARDS_DIR}/${uid}` })),
      ],
      // Datasources are read at start-up only; dashboards are re-read every 30 s without a restart.
      configData: { 'datasources.yaml': props.provisioning.datasourcesFile, 'dashboards.yaml': providerFile },
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
  }
}
