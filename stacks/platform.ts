import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterRequirements } from '../lib/core/cluster-requirements';
import { SecretReferences } from '../lib/core/secret-references';
import { RegistryOwner } from '../lib/core/registry-owner';
import { AlertingStack } from './alerting-stack';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { BackupStack } from './backup-stack';
import { EnvironmentConfig } from './config';
import { SloPanelSpec } from '../lib/laravel/platform-dashboards';
import { MonitoringExportersStack, MonitoringStack } from './monitoring-stack';
import { NetworkStack } from './network-stack';
import { WebStack } from './web-stack';
import { ClusterAddonsStack } from './cluster-addons-stack';
import { DataStack } from './data-stack';
import { WorkersStack } from './workers-stack';
import { SyncWaves } from '../lib/delivery/sync-waves';
import { ChaosStack, DeployStack } from './delivery-stack';
import { ProgressiveDeliveryStack } from './progressive-delivery-stack';

/** The charts of one environment. */
export interface EnvironmentStacks {
  /** Root construct named after the environment; every construct path starts with it (`prod/Web/...`). */
  readonly root: Construct;

  /** The web tier chart (`web.k8s.yaml`). */
  readonly web: WebStack;

  /** The data tier chart (`data.k8s.yaml`): MySQL and Redis. */
  readonly data: DataStack;

  /** The background tier chart (`workers.k8s.yaml`): queue workers and the scheduler. */
  readonly workers: WorkersStack;

  /** Cluster add-ons (`cluster-addons.k8s.yaml`), where the environment configures them. */
  readonly clusterAddons?: ClusterAddonsStack;

  /** The derived NetworkPolicies (`network.k8s.yaml`); they cover every chart, whatever its position. */
  readonly network: NetworkStack;

  /** The backup chart (`backup.k8s.yaml`); absent when the environment's backups are off. */
  readonly backup?: BackupStack;

  /** Monitoring in namespace `monitoring` (`monitoring.k8s.yaml`). */
  readonly monitoring: MonitoringStack;

  /** Exporters beside the servers they watch (`monitoring-exporters.k8s.yaml`). */
  readonly monitoringExporters: MonitoringExportersStack;

  /** Alert rules, SLOs and Alertmanager routing (`alerting.k8s.yaml`). */
  readonly alerting: AlertingStack;

  /** Every Secret and key the environment's manifests reference. */
  readonly secrets: SecretReferences;

  /** What components installed outside the manifests must provide (checked by the preflight). */
  readonly requirements: ClusterRequirements;

  /** Deploy hooks of the web tier (`deploy.k8s.yaml`). */
  readonly deploy: DeployStack;

  /** Chaos experiments (`chaos.k8s.yaml`), where the environment configures them. */
  readonly chaos?: ChaosStack;

  /** Progressive delivery (`delivery.k8s.yaml`), where the environment configures it. */
  readonly delivery?: ProgressiveDeliveryStack;

  /** Argo CD sync waves of every object of the environment, by kind. */
  readonly syncWaves: SyncWaves;
}

/** The SLO dashboard's panels, from the recording rules the alerting renders: one source for both. */
function sloPanels(alerting: AlertingStack): SloPanelSpec[] {
  return alerting.slos.dashboardSeries().map((slo) => {
    const overWindow = slo.errorRatio.find((rule) => rule.window.toMilliseconds() === slo.window.toMilliseconds())!;
    return {
      // `latency_p95` -> `Latency p95`.
      name: slo.slo.charAt(0).toUpperCase() + slo.slo.slice(1).replace(/_/g, ' '),
      objectivePercent: Number(slo.objective) * 100,
      window: slo.window,
      errorRatioExpr: overWindow.selector,
      budgetRemainingExpr: slo.errorBudgetRemaining.selector,
    };
  });
}

/** Builds every chart of one environment into `app`. */
export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const root = new Construct(app, config.name);
  // Every chart of the environment shares one secret, network, policy and alert registry; another
  // environment or team in the same App has its own.
  RegistryOwner.declare(root);
  const syncWaves = new SyncWaves(root, 'SyncWaves');
  const web = new WebStack(root, 'Web', { config });
  const data = new DataStack(root, 'Data', { config });
  const workers = new WorkersStack(root, 'Workers', { config });
  const clusterAddons = config.clusterAutoscaler === undefined ? undefined
    : new ClusterAddonsStack(root, 'ClusterAddons', { clusterAutoscaler: config.clusterAutoscaler });
  const backup = config.backup.enabled ? new BackupStack(root, 'Backup', { config }) : undefined;
  const monitoringExporters = new MonitoringExportersStack(root, 'MonitoringExporters', { config });
  const alerting = new AlertingStack(root, 'Alerting', { config, blueGreenApps: [web.laravel] });
  const monitoring = new MonitoringStack(root, 'Monitoring', { config, exporters: monitoringExporters, app: web.laravel, slos: sloPanels(alerting) });
  // A changed rule or routing rolls the server that mounts it (the kubelet's ConfigMap refresh alone is never
  // loaded: neither server watches its files).
  monitoring.observability.prometheus?.hashMountedConfig(MonitoringNames.RULES_CONFIG_MAP, () => alerting.rules.ruleFiles());
  monitoring.observability.alertmanager?.hashMountedConfig(MonitoringNames.ALERTMANAGER_CONFIG, () => ({ [alerting.routing.configKey]: alerting.routing.configYaml }));
  const network = new NetworkStack(root, 'Network', { config });
  const deploy = new DeployStack(root, 'Deploy', { config, app: web.laravel, schemaConsumers: [workers.worker, workers.scheduler] });
  const chaos = config.chaos === undefined ? undefined : new ChaosStack(root, 'Chaos', { config, chaos: config.chaos });
  const delivery = config.delivery === undefined ? undefined
    : new ProgressiveDeliveryStack(root, 'Delivery', { config, delivery: config.delivery, app: web.laravel, laravelConfig: web.laravelConfig, slos: alerting.slos });
  return { root, web, data, workers, clusterAddons, backup, monitoring, monitoringExporters, alerting, network, secrets: SecretReferences.of(root), requirements: ClusterRequirements.of(root), deploy, chaos, delivery, syncWaves };
}
