import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { DeployHookConnection, DeployHooks } from '../lib/delivery/deploy-hooks';
import { ReleaseOrder } from '../lib/delivery/release-order';
import { LabelKeys } from '../lib/core/labels';
import { NetworkPeer } from '../lib/safety/network-connections';
import { PodChaosExperiment } from '../lib/safety/pod-chaos-experiment';
import { LARAVEL_CACHE_WARM_COMMAND, LARAVEL_MIGRATION_COMMAND, LARAVEL_SMOKE_TEST_PATHS } from '../lib/laravel';
import { ChaosConfig, EnvironmentConfig } from './config';

/** Props of {@link DeployStack}. */
export interface DeployStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;

  /** The web tier's blue/green app, whose releases the hooks gate. */
  readonly app: BlueGreenApp;

  /**
   * What else runs the release's code against the database (queue workers, scheduler): moved after the migration.
   *
   * @default - none
   */
  readonly schemaConsumers?: readonly IConstruct[];
}

/**
 * The deploy hooks of one environment (`deploy.k8s.yaml`): migration, cache warm-up and smoke tests as
 * Argo CD Sync hooks against the colour the commit makes live, and the release order of the app's colours
 * and of the workers around them (README "Deploy hooks", "Switching the live colour").
 */
export class DeployStack extends Chart {
  /** The hook Jobs. */
  public readonly hooks: DeployHooks;

  /** The waves of the app's colours and of the schema consumers. */
  public readonly releaseOrder: ReleaseOrder;

  constructor(scope: Construct, id: string, props: DeployStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    // Artisan's migrate and cache warm-up use the app's MySQL and Redis, as the app's pods do.
    const dataTier: DeployHookConnection[] = [
      { to: NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql' }), port: 3306, reason: 'reads and writes MySQL' },
      { to: NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'redis' }), port: 6379, reason: 'uses the Redis cache' },
    ];
    this.hooks = new DeployHooks(this, 'Hooks', {
      app: props.app,
      resources: config.deployHooks.resources,
      smokeTestResources: config.deployHooks.smokeTestResources,
      smokeTestImage: config.deployHooks.smokeTestImage,
      migrationCommand: [...LARAVEL_MIGRATION_COMMAND],
      cacheWarmCommand: [...LARAVEL_CACHE_WARM_COMMAND],
      migrationConnections: dataTier,
      cacheWarmConnections: dataTier,
      smokeTestPaths: LARAVEL_SMOKE_TEST_PATHS,
    });
    this.releaseOrder = new ReleaseOrder(this, 'ReleaseOrder', {
      app: props.app,
      migration: this.hooks.migration,
      schemaConsumers: props.schemaConsumers,
    });
  }
}

/** Props of {@link ChaosStack}. */
export interface ChaosStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;

  /** Its chaos section (only environments that have one render this chart). */
  readonly chaos: ChaosConfig;
}

/** Chaos experiments of one environment (`chaos.k8s.yaml`): seed 000's pod failure of one web pod. */
export class ChaosStack extends Chart {
  /** The pod-failure experiment. */
  public readonly podFailure: PodChaosExperiment;

  constructor(scope: Construct, id: string, props: ChaosStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    this.podFailure = new PodChaosExperiment(this, 'PodFailure', {
      podLabels: { [LabelKeys.APP]: config.web.appName },
      duration: props.chaos.podFailureDuration,
      partOf: config.partOf,
    });
  }
}
