import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { VerifiedSwitch } from '../lib/delivery/verified-switch';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { DeliveryConfig, EnvironmentConfig } from './config';

/** Props of {@link ProgressiveDeliveryStack}. */
export interface ProgressiveDeliveryStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;

  /** Its delivery section (only environments that have one render this chart). */
  readonly delivery: DeliveryConfig;

  /** The web tier's blue/green app. */
  readonly app: BlueGreenApp;

  /** The SLOs the alerting renders: the one definition of a healthy release. */
  readonly slos: PlatformSlos;
}

/**
 * Progressive delivery of one environment (`delivery.k8s.yaml`, README "Progressive delivery"): the
 * verified blue/green switch (a PostSync hook that watches the new colour and switches back on an SLO
 * breach) and its per-colour recording rules.
 */
export class ProgressiveDeliveryStack extends Chart {
  /** Recording rules by colour. */
  public readonly colourHealth: ReleaseHealth;

  /** The verification hook, where the environment configures it. */
  public readonly verifiedSwitch?: VerifiedSwitch;

  constructor(scope: Construct, id: string, props: ProgressiveDeliveryStackProps) {
    const { config, delivery } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    this.colourHealth = new ReleaseHealth(this, 'ColourHealth', {
      availability: props.slos.availability,
      latency: props.slos.latency,
      releaseLabel: props.app.colourLabel.replace(/[^a-zA-Z0-9_]/g, '_'),
    });
    const verify = delivery.verifiedSwitch;
    if (verify !== undefined) {
      const prometheusUrl = config.monitoring.mode === 'operator'
        ? config.monitoring.stack.operatorPrometheusUrl
        : `http://${MonitoringNames.PROMETHEUS_SERVICE}.${MonitoringNames.NAMESPACE}.svc:${MonitoringNames.PROMETHEUS_PORT}`;
      this.verifiedSwitch = new VerifiedSwitch(this, 'VerifiedSwitch', {
        app: props.app,
        health: this.colourHealth,
        prometheusUrl,
        image: verify.image,
        resources: verify.resources,
        apiServerCidr: config.network.clusterNodesCidr,
        bakeTime: verify.bakeTime,
        checkInterval: verify.checkInterval,
        errorRatioMax: verify.errorRatioMax,
        latencyMax: verify.latencyP95Max,
        rollbackCommand: `npm run rollback -- ${config.name}`,
      });
    }
  }
}
