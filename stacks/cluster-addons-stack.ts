import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterAutoscaler } from '../lib/cluster/cluster-autoscaler';
import { ClusterAutoscalerConfig } from './config';

/** Props of {@link ClusterAddonsStack}. */
export interface ClusterAddonsStackProps {
  /** The cluster autoscaler's configuration. */
  readonly clusterAutoscaler: ClusterAutoscalerConfig;
}

/** Cluster add-ons in `kube-system` (`cluster-addons.k8s.yaml`): the cluster autoscaler. */
export class ClusterAddonsStack extends Chart {
  /** The cluster autoscaler. */
  public readonly clusterAutoscaler: ClusterAutoscaler;

  constructor(scope: Construct, id: string, props: ClusterAddonsStackProps) {
    super(scope, id, { namespace: 'kube-system', disableResourceNameHashes: true });
    this.clusterAutoscaler = new ClusterAutoscaler(this, 'ClusterAutoscaler', props.clusterAutoscaler);
  }
}
