import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * Pod Security Standards *restricted*, pod level: never root, with a fixed UID/GID and volume group.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedPodSecurityContext(uid: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH };
}

/** Pod Security Standards *restricted*, container level: no privilege, no capabilities, default seccomp. */
export function restrictedContainerSecurityContext(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * {@link restrictedPodSecurityContext} as the Kubernetes struct, for pod templates cdk8s-plus does not render
 * (a custom resource's, such as an Argo Rollouts Rollout's): the same fields and values.
 */
export function restrictedPodSecurityContextSpec(uid: number): kplus.k8s.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: 'OnRootMismatch' };
}

/** {@link restrictedContainerSecurityContext} as the Kubernetes struct: the same fields and values. */
export function restrictedContainerSecurityContextSpec(uid: number): kplus.k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** What cdk8s-plus-28 cannot express for a pod template, added by {@link hardenPodTemplate}. */
export interface PodTemplateHardening {
  /** Labels the workload selects on; the spread constraints count pods carrying them. */
  readonly selector: Record<string, string>;

  /**
   * Probes for the first container, by field name (`startupProbe`, `livenessProbe`, `readinessProbe`).
   *
   * @default - the container's probes are left as cdk8s-plus rendered them
   */
  readonly probes?: Partial<Record<'startupProbe' | 'livenessProbe' | 'readinessProbe', kplus.k8s.Probe>>;
}

const TEMPLATE = '/spec/template';
/** cdk8s-plus labels every pod template with a hash of the construct path; we never select on it. */
const PATH_LABEL = `${TEMPLATE}/metadata/labels/cdk8s.io~1metadata.addr`;

/**
 * Completes a cdk8s-plus workload's pod template where its API has no option:
 * - probes with request headers on a named port (cdk8s-plus probes take only a port number);
 * - topology spread over nodes and zones (cdk8s-plus offers only pod anti-affinity, which it makes
 *   *required*: with an HPA that would leave pods Pending once replicas outnumber nodes);
 * - no path-derived label, so renaming a construct id does not roll every pod.
 *
 * Values are typed Kubernetes structs. The generated Deployment/StatefulSet class re-serializes the patched
 * object through its typed mapper, so a field the API does not know cannot get through; the same mapper
 * reads `IntOrString` values as `{ value }`, which is why the structs are passed as they are and not
 * pre-serialized (a pre-serialized named port would be dropped).
 */
export function hardenPodTemplate(workload: kplus.Deployment | kplus.StatefulSet, hardening: PodTemplateHardening): void {
  const obj = ApiObject.of(workload);
  obj.addJsonPatch(JsonPatch.remove(PATH_LABEL));
  obj.addJsonPatch(JsonPatch.add(`${TEMPLATE}/spec/topologySpreadConstraints`, topologySpread(hardening.selector)));
  for (const [field, probe] of Object.entries(hardening.probes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    obj.addJsonPatch(JsonPatch.add(`${TEMPLATE}/spec/containers/0/${field}`, probe));
  }
}

/**
 * Spread over nodes and zones, preferred and not required, counting only the pods of one template revision
 * (`revisionLabel`: `pod-template-hash` for a Deployment, `rollouts-pod-template-hash` for a Rollout), so a
 * rollout's old pods don't skew the spread.
 */
export function topologySpread(selector: Record<string, string>, revisionLabel = 'pod-template-hash'): kplus.k8s.TopologySpreadConstraint[] {
  return [
    spread('kubernetes.io/hostname', selector, revisionLabel),
    spread('topology.kubernetes.io/zone', selector, revisionLabel),
  ];
}

function spread(topologyKey: string, selector: Record<string, string>, revisionLabel: string): kplus.k8s.TopologySpreadConstraint {
  return {
    topologyKey,
    maxSkew: 1,
    // Prefer, don't require: a node or zone outage must not leave replacement pods Pending.
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: [revisionLabel],
  };
}
