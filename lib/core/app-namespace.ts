import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, memoryQuantity } from './container-resources';
import { assertAt, failAt } from './errors';
import {
  Check, checkCpu, checkDnsLabel, checkInteger, checkLabelName, checkNumber, checkOneOf, checkProps, checkShape, checkSize, checkString, optional, Rules,
} from './checks';
import { DeclaredNamespaces } from './declared-namespaces';
import { recommendedLabels } from './labels';
import { checkResourceSpec } from './container-resources';
import { derivedName } from './names';

/** Pod Security Standards levels. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** Totals a namespace may request and use at once (a ResourceQuota). */
export interface NamespaceQuota {
  /** Sum of CPU requests. */
  readonly requestsCpu: kplus.Cpu;

  /** Sum of CPU limits. */
  readonly limitsCpu: kplus.Cpu;

  /** Sum of memory requests. */
  readonly requestsMemory: Size;

  /** Sum of memory limits. */
  readonly limitsMemory: Size;

  /** Number of pods. */
  readonly pods: number;

  /**
   * Number of PersistentVolumeClaims.
   *
   * @default 10
   */
  readonly persistentVolumeClaims?: number;
}

/** Props of {@link AppNamespace}. */
export interface AppNamespaceProps {
  /** Namespace name. */
  readonly name: string;

  /** System the namespace belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Pod Security Standards level enforced by the API server's admission.
   *
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;

  /** ResourceQuota `<name>-quota`. */
  readonly quota: NamespaceQuota;

  /**
   * Requests and limits given to a container that states none (LimitRange `<name>-limits`). Every
   * container this library renders states its own; the defaults catch hand-applied pods.
   */
  readonly containerDefaults: ContainerResourceSpec;
}

/** The run-time check of a {@link NamespaceQuota}: CPU as `Cpu`, memory as `Size`, counts as numbers (their range follows). */
export const checkNamespaceQuota: Check = checkShape({
  requestsCpu: checkCpu, limitsCpu: checkCpu, requestsMemory: checkSize, limitsMemory: checkSize, pods: (v) => checkNumber(v), persistentVolumeClaims: optional((v) => checkNumber(v)),
});

/** Run-time checks of {@link AppNamespaceProps}, applied before anything is created. */
const APP_NAMESPACE_RULES: Rules = {
  name: checkDnsLabel,
  partOf: checkLabelName,
  podSecurity: optional(checkString),
  quota: checkNamespaceQuota,
  containerDefaults: checkResourceSpec,
};

/**
 * A namespace with Pod Security admission, a ResourceQuota and a LimitRange.
 *
 * The namespace is labelled to enforce, audit and warn at the same Pod Security level, pinned to the
 * Kubernetes 1.28 definition of that level so a cluster upgrade cannot silently change what is allowed.
 */
export class AppNamespace extends Construct {
  /** The Namespace. */
  public readonly namespace: kplus.Namespace;

  /** ResourceQuota `<name>-quota`. */
  public readonly quota: kplus.k8s.KubeResourceQuota;

  /** LimitRange `<name>-limits`. */
  public readonly limitRange: kplus.k8s.KubeLimitRange;

  /** Namespace name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    checkProps(this, props, APP_NAMESPACE_RULES);
    const podSecurity = props.podSecurity ?? 'restricted';
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'podSecurity', checkOneOf(podSecurity, POD_SECURITY_LEVELS));
    assertAt(this, 'quota.pods', checkInteger(props.quota.pods, 1));
    const pvcs = props.quota.persistentVolumeClaims ?? 10;
    assertAt(this, 'quota.persistentVolumeClaims', checkInteger(pvcs, 0));
    const quotaCheck = checkResources({
      cpuRequest: props.quota.requestsCpu,
      cpuLimit: props.quota.limitsCpu,
      memoryRequest: props.quota.requestsMemory,
      memoryLimit: props.quota.limitsMemory,
    });
    if (quotaCheck !== undefined) {
      failAt(this, `quota.${quotaCheck.field}`, quotaCheck.problem);
    }
    const defaultsCheck = checkResources(props.containerDefaults);
    if (defaultsCheck !== undefined) {
      failAt(this, `containerDefaults.${defaultsCheck.field}`, defaultsCheck.problem);
    }

    this.name = props.name;
    const labels = (instance: string) => recommendedLabels({ name: props.name, instance, component: 'namespace', partOf: props.partOf });
    this.namespace = new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels: {
          ...labels(props.name),
          'pod-security.kubernetes.io/enforce': podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': podSecurity,
          'pod-security.kubernetes.io/audit-version': 'v1.28',
          'pod-security.kubernetes.io/warn': podSecurity,
          'pod-security.kubernetes.io/warn-version': 'v1.28',
        },
      },
    });

    // The derived NetworkPolicies lock down every namespace the tree renders.
    DeclaredNamespaces.of(this).declare(props.name);

    // A Namespace is cluster-scoped; the chart's default namespace must not be stamped on it.
    ApiObject.of(this.namespace).addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    const q = props.quota;
    const quantity = kplus.k8s.Quantity.fromString;
    this.quota = new kplus.k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: derivedName(props.name, 'quota'), namespace: props.name, labels: labels(derivedName(props.name, 'quota')) },
      spec: {
        hard: {
          'requests.cpu': quantity(q.requestsCpu.amount),
          'limits.cpu': quantity(q.limitsCpu.amount),
          'requests.memory': quantity(memoryQuantity(q.requestsMemory)),
          'limits.memory': quantity(memoryQuantity(q.limitsMemory)),
          'pods': quantity(String(q.pods)),
          'persistentvolumeclaims': quantity(String(pvcs)),
          // External load balancers cost money and bypass the ingress: none from this namespace.
          'services.loadbalancers': quantity('0'),
          'services.nodeports': quantity('0'),
        },
      },
    });

    const d = props.containerDefaults;
    this.limitRange = new kplus.k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: derivedName(props.name, 'limits'), namespace: props.name, labels: labels(derivedName(props.name, 'limits')) },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: quantity(d.cpuRequest.amount), memory: quantity(memoryQuantity(d.memoryRequest)) },
          default: { cpu: quantity(d.cpuLimit.amount), memory: quantity(memoryQuantity(d.memoryLimit)) },
        }],
      },
    });
  }
}
