import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import { checkDnsSubdomain, checkNonEmpty, checkProps, optional, Rules } from '../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { checkResourceSpec } from '../core/container-resources';

/** Pinned cluster-autoscaler image (the minor version follows the cluster's, 1.28). */
export const CLUSTER_AUTOSCALER_IMAGE = 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.28.0';

/** Props of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerProps {
  /** `--cloud-provider` (`aws`). */
  readonly cloudProvider: string;

  /** `--node-group-auto-discovery` (`asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>`). */
  readonly nodeGroupAutoDiscovery: string;

  /** Requests and limits (seed: 100m and 600Mi for both). */
  readonly resources: ContainerResourceSpec;

  /**
   * Name of the cluster-scoped ClusterRole and ClusterRoleBinding, which must be unique in the cluster
   * (the namespaced ServiceAccount, Role, RoleBinding and Deployment keep `cluster-autoscaler`, the name
   * its leader-election lease and status ConfigMap are granted by).
   *
   * @default 'cluster-autoscaler'
   */
  readonly clusterRoleName?: string;
}

const NAME = 'cluster-autoscaler';
/** The upstream add-on labels on every object. */
const ADDON_LABELS = { 'k8s-addon': 'cluster-autoscaler.addons.k8s.io', 'k8s-app': NAME };
const HEALTH_PORT = 8085;
/** `nobody`, as the seed. */
const UID = 65534;

type Rule = kplus.k8s.PolicyRule;

/** The upstream ClusterRole rules. */
const CLUSTER_RULES: Rule[] = [
  { apiGroups: [''], resources: ['events', 'endpoints'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['update'] },
  { apiGroups: [''], resources: ['endpoints'], resourceNames: [NAME], verbs: ['get', 'update'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get', 'update'] },
  { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'replicationcontrollers', 'persistentvolumeclaims', 'persistentvolumes'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: ['extensions'], resources: ['replicasets', 'daemonsets'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['watch', 'list'] },
  { apiGroups: ['apps'], resources: ['statefulsets', 'replicasets', 'daemonsets'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: ['batch', 'extensions'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resourceNames: [NAME], resources: ['leases'], verbs: ['get', 'update'] },
];

/** The upstream Role rules in the autoscaler's namespace. */
const NAMESPACE_RULES: Rule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'list', 'watch'] },
  { apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-autoscaler-status', 'cluster-autoscaler-priority-expander'], verbs: ['delete', 'get', 'update', 'watch'] },
];

/** Run-time checks of {@link ClusterAutoscalerProps}, applied before anything is created. */
const CLUSTER_AUTOSCALER_RULES: Rules = {
  cloudProvider: checkNonEmpty, nodeGroupAutoDiscovery: checkNonEmpty, resources: checkResourceSpec, clusterRoleName: optional(checkDnsSubdomain),
};

/**
 * The Kubernetes cluster autoscaler, as upstream's example deploys it: ServiceAccount, ClusterRole, Role, their
 * bindings and the Deployment, all named `cluster-autoscaler` (the ClusterRole and its binding: `clusterRoleName`),
 * with the upstream flags.
 *
 * RBAC is rendered with the raw `k8s` objects because the seed's rules name resources by `resourceNames`
 * and API groups (`extensions`) that cdk8s-plus' role grants cannot express. Unlike the seed, the pod
 * mounts nothing from the host: Pod Security forbids `hostPath`, and the image carries its own CA bundle.
 */
export class ClusterAutoscaler extends Construct {
  /** Deployment `cluster-autoscaler`. */
  public readonly deployment: kplus.Deployment;

  /** ServiceAccount `cluster-autoscaler`. */
  public readonly serviceAccount: kplus.ServiceAccount;

  /** The container's command. */
  public readonly command: string[];

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    checkProps(this, props, CLUSTER_AUTOSCALER_RULES);
    assertAt(this, 'cloudProvider', checkNonEmpty(props.cloudProvider));
    assertAt(this, 'nodeGroupAutoDiscovery', checkNonEmpty(props.nodeGroupAutoDiscovery));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    const metadata = { name: NAME, labels: ADDON_LABELS };

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: true });
    const clusterRoleName = props.clusterRoleName ?? NAME;
    const clusterMetadata = { ...metadata, name: clusterRoleName };
    new kplus.k8s.KubeClusterRole(this, 'ClusterRole', { metadata: clusterMetadata, rules: CLUSTER_RULES });
    new kplus.k8s.KubeRole(this, 'Role', { metadata, rules: NAMESPACE_RULES });
    const subjects = [{ kind: 'ServiceAccount', name: NAME, namespace: this.serviceAccount.metadata.namespace }];
    new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: clusterMetadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName }, subjects,
    });
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME }, subjects,
    });

    this.command = [
      './cluster-autoscaler',
      '--v=4',
      '--stderrthreshold=info',
      `--cloud-provider=${props.cloudProvider}`,
      '--skip-nodes-with-local-storage=false',
      '--expander=least-waste',
      `--node-group-auto-discovery=${props.nodeGroupAutoDiscovery}`,
      '--balance-similar-node-groups',
      '--skip-nodes-with-system-pods=false',
      '--scale-down-unneeded-time=10m',
      '--scale-down-delay-after-add=10m',
    ];
    const selector = { app: NAME };
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: NAME, labels: selector },
      select: false,
      spread: false,
      // One active instance; a second would only wait for the leader lease.
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      podMetadata: { labels: selector },
      serviceAccount: this.serviceAccount,
      // It talks to the API server with its service account token.
      automountServiceAccountToken: true,
      securityContext: restrictedPodSecurityContext(UID),
      terminationGracePeriod: Duration.seconds(30),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selector }));
    this.deployment.addContainer({
      name: NAME,
      image: CLUSTER_AUTOSCALER_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: this.command,
      ports: [{ name: 'health', number: HEALTH_PORT, protocol: kplus.Protocol.TCP }],
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(UID),
    });
    const obj = ApiObject.of(this.deployment);
    obj.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-cluster-critical'));
    const liveness: kplus.k8s.Probe = {
      httpGet: { path: '/health-check', port: kplus.k8s.IntOrString.fromString('health') },
      initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 4,
    };
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', liveness));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', { ...liveness, initialDelaySeconds: 5, failureThreshold: 2 }));
  }
}
