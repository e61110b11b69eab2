/**
 * Policy rules judged on one pod template: Pod Security Standards *restricted*, host access, resources,
 * probes and images. Rules read the synthesized JSON, so they hold for any construct, ours or not.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ (v1.28)
 */
import { isPinnedImage } from '../../core/checks';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are untyped JSON; every access is guarded
export type Loose = any;

/** Pod Security Standards controls a namespace exception can name. */
export type PodSecurityControl =
  | 'appArmor' | 'capabilities' | 'hostNamespaces' | 'hostPath' | 'hostPorts' | 'privileged' | 'privilegeEscalation'
  | 'procMount' | 'runAsNonRoot' | 'runAsUser' | 'seLinux' | 'seccomp' | 'sysctls' | 'volumeTypes';

export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  'appArmor', 'capabilities', 'hostNamespaces', 'hostPath', 'hostPorts', 'privileged', 'privilegeEscalation',
  'procMount', 'runAsNonRoot', 'runAsUser', 'seLinux', 'seccomp', 'sysctls', 'volumeTypes',
];

/** A problem found by a rule, before severity and waivers are applied. */
export interface RawFinding {
  readonly rule: string;
  readonly message: string;
  /** The Pod Security control at fault, which a namespace exception may allow. */
  readonly control?: PodSecurityControl;
}

/** A pod template and what owns it. */
export interface PodTemplate {
  readonly metadata: Loose;
  readonly spec: Loose;
  /** Whether the pods are meant to run until replaced (not a Job's run-to-completion pods). */
  readonly longRunning: boolean;
}

// Argo Rollouts' Rollout replaces a Deployment: its pod template gets the same checks.
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout']);

/** The pod template of a workload object, or `undefined` for an object that has none. */
export function podTemplateOf(obj: Loose): PodTemplate | undefined {
  if (LONG_RUNNING.has(obj.kind) || obj.kind === 'Job') {
    const t = obj.spec?.template;
    return t === undefined ? undefined : { metadata: t.metadata ?? {}, spec: t.spec ?? {}, longRunning: obj.kind !== 'Job' };
  }
  if (obj.kind === 'CronJob') {
    const t = obj.spec?.jobTemplate?.spec?.template;
    return t === undefined ? undefined : { metadata: t.metadata ?? {}, spec: t.spec ?? {}, longRunning: false };
  }
  if (obj.kind === 'Pod') {
    return { metadata: obj.metadata ?? {}, spec: obj.spec ?? {}, longRunning: (obj.spec?.restartPolicy ?? 'Always') === 'Always' };
  }
  return undefined;
}

interface NamedContainer {
  readonly c: Loose;
  readonly label: string;
  readonly init: boolean;
}

function containersOf(spec: Loose): NamedContainer[] {
  const list = (items: Loose, what: string, init: boolean) => (Array.isArray(items) ? items : [])
    .map((c: Loose) => ({ c, label: `${what} "${c?.name ?? '?'}"`, init }));
  return [
    ...list(spec.initContainers, 'init container', true),
    ...list(spec.containers, 'container', false),
    ...list(spec.ephemeralContainers, 'ephemeral container', true),
  ];
}

const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls the *baseline* level allows on Kubernetes 1.28. */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ping_group_range', 'net.ipv4.tcp_syncookies'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Pod Security Standards *restricted*, except host access (rule `host-access`). */
export function podSecurityFindings(t: PodTemplate): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (control: PodSecurityControl, message: string) => out.push({ rule: 'pod-security-restricted', control, message });
  const pod = t.spec.securityContext ?? {};
  for (const { c, label } of containersOf(t.spec)) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) {
      add('privileged', `${label} is privileged`);
    }
    if (sc.allowPrivilegeEscalation !== false) {
      add('privilegeEscalation', `${label} does not set allowPrivilegeEscalation: false`);
    }
    const caps = sc.capabilities ?? {};
    if (!(Array.isArray(caps.drop) && caps.drop.includes('ALL'))) {
      add('capabilities', `${label} does not drop ALL capabilities`);
    }
    const added = (Array.isArray(caps.add) ? caps.add : []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      add('capabilities', `${label} adds capabilities ${added.join(', ')} (only NET_BIND_SERVICE is allowed)`);
    }
    if (sc.runAsNonRoot !== true && pod.runAsNonRoot !== true) {
      add('runAsNonRoot', `${label} may run as root: set runAsNonRoot: true on the pod or the container`);
    }
    if (sc.runAsUser === 0) {
      add('runAsUser', `${label} runs as UID 0`);
    }
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add('seccomp', `${label} has no RuntimeDefault or Localhost seccomp profile${seccomp === undefined ? '' : ` (got ${seccomp})`}`);
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') {
      add('procMount', `${label} sets procMount ${sc.procMount}`);
    }
    checkSeLinux(sc.seLinuxOptions, label, add);
  }
  if (pod.runAsUser === 0) {
    add('runAsUser', 'the pod runs as UID 0');
  }
  checkSeLinux(pod.seLinuxOptions, 'the pod', add);
  for (const sysctl of Array.isArray(pod.sysctls) ? pod.sysctls : []) {
    if (!SAFE_SYSCTLS.includes(sysctl?.name)) {
      add('sysctls', `the pod sets the unsafe sysctl ${sysctl?.name}`);
    }
  }
  for (const volume of Array.isArray(t.spec.volumes) ? t.spec.volumes : []) {
    const types = Object.keys(volume ?? {}).filter((k) => k !== 'name');
    const bad = types.filter((k) => k !== 'hostPath' && !ALLOWED_VOLUME_TYPES.includes(k));
    if (bad.length > 0) {
      add('volumeTypes', `volume "${volume.name}" is of type ${bad.join(', ')} (allowed: ${ALLOWED_VOLUME_TYPES.join(', ')})`);
    }
  }
  for (const [key, value] of Object.entries(t.metadata.annotations ?? {})) {
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      add('appArmor', `annotation ${key} sets AppArmor profile ${String(value)}`);
    }
  }
  return out;
}

function checkSeLinux(options: Loose, label: string, add: (control: PodSecurityControl, message: string) => void): void {
  if (options === undefined) {
    return;
  }
  if (!SELINUX_TYPES.includes(options.type ?? '') || options.user !== undefined || options.role !== undefined) {
    add('seLinux', `${label} sets SELinux options beyond an allowed type`);
  }
}

/** hostPath volumes, host namespaces and host ports. */
export function hostAccessFindings(t: PodTemplate): RawFinding[] {
  const out: RawFinding[] = [];
  const add = (control: PodSecurityControl, message: string) => out.push({ rule: 'host-access', control, message });
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (t.spec[field] === true) {
      add('hostNamespaces', `the pod sets ${field}: true`);
    }
  }
  for (const volume of Array.isArray(t.spec.volumes) ? t.spec.volumes : []) {
    if (volume?.hostPath !== undefined) {
      add('hostPath', `volume "${volume.name}" mounts the node's ${volume.hostPath.path ?? '?'} (hostPath)`);
    }
  }
  for (const { c, label } of containersOf(t.spec)) {
    for (const port of Array.isArray(c.ports) ? c.ports : []) {
      if (port?.hostPort !== undefined && port.hostPort !== 0) {
        add('hostPorts', `${label} binds host port ${port.hostPort}`);
      }
    }
  }
  return out;
}

const RESOURCE_FIELDS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** Requests and limits for CPU and memory on every container. */
export function resourceFindings(t: PodTemplate): RawFinding[] {
  return containersOf(t.spec).filter(({ label }) => !label.startsWith('ephemeral')).flatMap(({ c, label }) => {
    const missing = RESOURCE_FIELDS.filter((f) => {
      const [kind, resource] = f.split('.');
      return c.resources?.[kind]?.[resource] === undefined;
    });
    return missing.length === 0 ? [] : [{ rule: 'container-resources', message: `${label} has no ${missing.join(', ')}` }];
  });
}

/** Readiness and liveness probes on the containers of long-running pods. */
export function probeFindings(t: PodTemplate): RawFinding[] {
  if (!t.longRunning) {
    return [];
  }
  return containersOf(t.spec).filter(({ init }) => !init).flatMap(({ c, label }) => {
    const missing = ['readinessProbe', 'livenessProbe'].filter((p) => c[p] === undefined);
    return missing.length === 0 ? [] : [{ rule: 'container-probes', message: `${label} has no ${missing.join(' or ')}` }];
  });
}

/** Splits an image reference into its tag or digest; `undefined` when it has neither. */
export function imageReference(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at !== -1) {
    return image.slice(at + 1);
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : image.slice(colon + 1);
}

/** Images with a tag other than `latest` (`image-tag`) and pinned to a version or digest (`image-pinned`). */
export function imageFindings(t: PodTemplate): RawFinding[] {
  return containersOf(t.spec).flatMap(({ c, label }) => {
    const image = typeof c.image === 'string' ? c.image : '';
    const ref = imageReference(image);
    if (image === '' || ref === undefined) {
      return [{ rule: 'image-tag', message: `${label} image "${image}" has no tag or digest` }];
    }
    if (ref === 'latest') {
      return [{ rule: 'image-tag', message: `${label} image "${image}" uses the moving tag latest` }];
    }
    return isPinnedImage(image) ? [] : [{ rule: 'image-pinned', message: `${label} image "${image}" is not pinned to a semantic version or sha256 digest` }];
  });
}
