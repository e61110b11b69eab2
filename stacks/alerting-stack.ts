import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertRules } from '../lib/alerting/alert-rules';
import { AlertmanagerRouting } from '../lib/alerting/alertmanager-routing';
import { BlueGreenAlerts } from '../lib/web/blue-green-alerts';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { LARAVEL_PROMETHEUS_RULE_NAME, PlatformAlerts, PlatformSlos } from '../lib/laravel';
import { Policy } from '../lib/safety/policy';
import { EnvironmentConfig } from './config';

/**
 * Where the Prometheus Operator mounts a Secret listed in the Alertmanager's `spec.secrets`
 * (kube-prometheus-stack value `alertmanager.alertmanagerSpec.secrets: [alertmanager-receivers]`).
 */
const OPERATOR_SECRETS_PATH = `/etc/alertmanager/secrets/${MonitoringNames.ALERTMANAGER_RECEIVERS_SECRET}`;

/** Key the Prometheus Operator reads an Alertmanager `configSecret` from. */
const OPERATOR_CONFIG_KEY = 'alertmanager.yaml';

/** Props of {@link AlertingStack}. */
export interface AlertingStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;

  /** Blue/green apps whose colours get alerts. */
  readonly blueGreenApps: readonly BlueGreenApp[];
}

/**
 * Alerting of one environment (`alerting.k8s.yaml`, namespace `monitoring`): the seed alerts, the SLOs
 * with burn-rate alerts, blue/green alerts, rendered with every alert other charts register, and the
 * Alertmanager routing.
 *
 * Standalone mode renders ConfigMaps `prometheus-rules` and `alertmanager-config` (key
 * `alertmanager.yml`), which the Prometheus and Alertmanager Deployments mount: no Secret, no waiver.
 *
 * Operator mode renders PrometheusRule `laravel-ecommerce-alerts` and Secret `alertmanager-config` under
 * key `alertmanager.yaml`, for kube-prometheus-stack's `alertmanager.alertmanagerSpec.configSecret`. Why a
 * configSecret rather than an AlertmanagerConfig CR: the operator scopes an AlertmanagerConfig's route to
 * alerts whose `namespace` label equals the CR's namespace and nests it under the chart's own root route,
 * so the Watchdog (no namespace), the aggregated SLO alerts and the cross-namespace inhibitions could not
 * be expressed; and a whole configuration file is exactly what `amtool check-config` and
 * `amtool config routes test` verify, so what CI proves is what the cluster runs in both modes.
 */
export class AlertingStack extends Chart {
  /** The seed alerts. */
  public readonly platformAlerts: PlatformAlerts;

  /** The seed SLOs; `slos.dashboardSeries()` names the recording rules an SLO dashboard plots. */
  public readonly slos: PlatformSlos;

  /** Alerts about blue/green colours, one per app. */
  public readonly blueGreenAlerts: BlueGreenAlerts[];

  /** The rendered rules (ConfigMap or PrometheusRule). */
  public readonly rules: AlertRules;

  /** The Alertmanager configuration `alertmanager-config` (a ConfigMap; a Secret in operator mode). */
  public readonly routing: AlertmanagerRouting;

  constructor(scope: Construct, id: string, props: AlertingStackProps) {
    const { config } = props;
    super(scope, id, { namespace: MonitoringNames.NAMESPACE, disableResourceNameHashes: true });
    const operator = config.monitoring.mode === 'operator';
    const alerting = config.alerting;

    this.platformAlerts = new PlatformAlerts(this, 'PlatformAlerts', {
      appNamespace: config.namespace,
      thresholds: alerting.thresholds,
      disabledAlerts: alerting.disabledAlerts,
      appName: config.web.appName,
    });
    this.slos = new PlatformSlos(this, 'Slos', { appNamespace: config.namespace });
    this.blueGreenAlerts = props.blueGreenApps.map((app) => new BlueGreenAlerts(this, `BlueGreenAlerts${app.appName.charAt(0).toUpperCase()}${app.appName.slice(1)}`, {
      app,
      appNamespace: config.namespace,
      trafficRequestsPerSecond: alerting.colourTrafficRequestsPerSecond,
    }));
    this.rules = new AlertRules(this, 'Rules', {
      output: operator ? 'prometheus-rule' : 'rule-files',
      runbookBaseUrl: config.monitoring.runbookBaseUrl,
      partOf: config.partOf,
      ruleSelectorLabels: config.monitoring.mode === 'operator' ? { ...config.monitoring.operatorSelector } : undefined,
      prometheusRuleName: LARAVEL_PROMETHEUS_RULE_NAME,
    });
    this.routing = new AlertmanagerRouting(this, 'Alertmanager', {
      receivers: alerting.receivers,
      partOf: config.partOf,
      credentialsSecret: kplus.Secret.fromSecretName(this, 'ReceiverCredentials', MonitoringNames.ALERTMANAGER_RECEIVERS_SECRET),
      credentialsPath: operator ? OPERATOR_SECRETS_PATH : MonitoringNames.ALERTMANAGER_RECEIVERS_MOUNT_PATH,
      configKey: operator ? OPERATOR_CONFIG_KEY : MonitoringNames.ALERTMANAGER_CONFIG_KEY,
      // kube-prometheus-stack's Alertmanager reads its configuration from a Secret only (configSecret).
      output: operator ? 'secret' : 'config-map',
      // A database that is down stops every replica's IO thread: the one page says it all.
      inhibitions: [{
        sourceMatchers: ['alertname="DatabaseDown"'],
        targetMatchers: ['alertname=~"MySQLReplicationStopped|MySQLReplicationLag"'],
        equal: ['namespace'],
      }],
    });
    if (operator) {
      Policy.suppress(this.routing, 'secret-literal-data',
        'the Alertmanager configuration carries no credentials (receivers read them from *_file mounts of the '
        + 'external alertmanager-receivers Secret); it is a Secret only because the Prometheus Operator reads configSecret as one');
    }
  }
}
