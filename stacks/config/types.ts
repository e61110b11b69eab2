/**
 * The shape of an environment's configuration: what dev, staging and prod each set. Every type here is
 * inferred from the schemas in schema.ts, so the keys the loader accepts and the keys `tsc` accepts are
 * the same list.
 */
import { z } from 'zod';
import { deliverySchema, environmentSchema, monitoringSchema, operatorStackSchema, releaseStateSchema, resourcesSchema, standaloneStackSchema, webTierSchema } from './schema';

/** One environment's complete configuration. */
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

/** The environments this repository deploys. */
export type EnvironmentName = EnvironmentConfig['name'];

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['dev', 'staging', 'prod'];

/** Laravel (Monolog) log levels used here. */
export type LogLevel = WebTierConfig['logLevel'];

/** The web tier: the Laravel app deployed blue/green. */
export type WebTierConfig = z.infer<typeof webTierSchema>;

/** Requests and limits of one container, by name (`{ cpuRequest: Cpu.millis(100), ... }`). */
export type ResourcesConfig = z.infer<typeof resourcesSchema>;

/** Monitoring of one environment: a discriminated union on `mode`. */
export type MonitoringConfig = z.infer<typeof monitoringSchema>;

/** How an environment is monitored. */
export type MonitoringMode = MonitoringConfig['mode'];

/** What the standalone monitoring stack runs with. */
export type StandaloneMonitoringStack = z.infer<typeof standaloneStackSchema>;

/** What operator mode renders with: the exporters and the Grafana datasource URL. */
export type OperatorMonitoringStack = z.infer<typeof operatorStackSchema>;

/** Pinned images of the monitoring components. */
export type MonitoringImages = StandaloneMonitoringStack['images'];

/** Queue workers (`laravel-worker`, seeds 000 and 001). */
export type WorkersConfig = EnvironmentConfig['workers'];

/** MySQL primary and read replicas (seed 001). */
export type MysqlConfig = EnvironmentConfig['mysql'];

/** Redis (cache, sessions and queues). */
export type RedisConfig = EnvironmentConfig['redis'];

/** Where the peers of the derived NetworkPolicies run (README "Network policies"). */
export type NetworkConfig = EnvironmentConfig['network'];

/** Database backups, their restore verification and the restore template. */
export type BackupConfig = EnvironmentConfig['backup'];

/** Alerting of one environment: thresholds, which alerts are on, and where notifications go. */
export type AlertingConfig = EnvironmentConfig['alerting'];

/** Where Argo CD finds an environment's manifests and how it syncs them. */
export type GitOpsConfig = EnvironmentConfig['gitops'];

/**
 * What a release changes: the live colour and the images. `npm run promote` / `npm run rollback` rewrite it
 * (README "Promote and roll back"); each environment's entry stays on one line between the markers.
 */
export type ReleaseState = z.infer<typeof releaseStateSchema>;

/** The Laravel scheduler (one instance). */
export type SchedulerConfig = EnvironmentConfig['scheduler'];

/** The synth-time policy pass (README "Policy checks"). */
export type PolicyConfig = EnvironmentConfig['policy'];

/** The deploy hook Jobs of the web tier (README "Deploy hooks"). */
export type DeployHooksConfig = EnvironmentConfig['deployHooks'];

/** The cluster autoscaler (cluster add-on, seed 000). */
export type ClusterAutoscalerConfig = NonNullable<EnvironmentConfig['clusterAutoscaler']>;

/** Chaos experiments (Chaos Mesh). */
export type ChaosConfig = NonNullable<EnvironmentConfig['chaos']>;

/** Progressive delivery: the verified switch, Argo Rollouts in the cluster, the canary (README "Progressive delivery"). */
export type DeliveryConfig = z.infer<typeof deliverySchema>;

/** The verified switch: bake time, SLO thresholds and the hook Job's image and size. */
export type VerifiedSwitchConfig = NonNullable<DeliveryConfig['verifiedSwitch']>;

/** Steps and analysis of a canary release (Argo Rollouts). */
export type CanaryConfig = NonNullable<DeliveryConfig['canary']>;
