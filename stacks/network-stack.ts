import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkPolicies } from '../lib/safety/network-policies';
import { PLATFORM_CONNECTIONS_ANNOTATION } from '../lib/laravel';
import { EnvironmentConfig } from './config';

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;
}

/**
 * The NetworkPolicies of one environment (`network.k8s.yaml`): default-deny in every namespace the
 * environment renders, DNS, and the connections every construct declared in `NetworkConnections`.
 *
 * Wiring only: the peers' locations come from the environment configuration.
 */
export class NetworkStack extends Chart {
  /** The derived policies. */
  public readonly policies: NetworkPolicies;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    const { config } = props;
    // No chart namespace: every policy names the namespace it locks down.
    super(scope, id, { disableResourceNameHashes: true });
    this.policies = new NetworkPolicies(this, 'Policies', {
      partOf: config.partOf,
      ingressController: config.network.ingressController,
      prometheus: config.network.prometheus,
      connectionsAnnotation: PLATFORM_CONNECTIONS_ANNOTATION,
    });
  }
}
