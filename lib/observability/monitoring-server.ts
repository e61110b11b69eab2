/**
 * The shape every single-replica monitoring server shares (Prometheus, Alertmanager, Grafana, Loki, Jaeger):
 * one pod with a pinned image, restricted security, probes on a named port, an optional data volume, and a
 * Service. Each component's construct decides its arguments, files and sizes; this only assembles them.
 */
import { createHash } from 'crypto';
import { Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import { AnnotationKeys, recommendedLabels } from '../core/labels';
import { checkImageTag, checkNonEmpty } from '../core/checks';
import { hardenPodTemplate, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';

/** A named container port, exposed by the Service under the same name and number. */
export interface ServerPort {
  readonly name: string;
  readonly port: number;
}

/** An HTTP probe on a named port. */
export interface ServerProbe {
  readonly path: string;
  readonly portName: string;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly timeoutSeconds?: number;
}

/** Everything a monitoring server is assembled from. */
export interface MonitoringServerSpec {
  /** Name of the Deployment, its Service, ServiceAccount and labels. */
  readonly name: string;
  /** Namespace, when not the chart's. */
  readonly namespace?: string;
  /** Strategy; single-replica servers with a data volume must use `Recreate` (the default). */
  readonly rollingUpdate?: boolean;
  readonly component: string;
  readonly partOf: string;
  readonly image: string;
  readonly args?: string[];
  readonly env?: Record<string, kplus.EnvValue>;
  readonly ports: ServerPort[];
  /** Ports the Service `name` exposes, when not all of `ports` (health ports stay pod-only). */
  readonly servicePorts?: ServerPort[];
  readonly resources: ContainerResourceSpec;
  /** UID and GID the image's process expects (and fsGroup of the data volume). */
  readonly uid: number;
  /** Readiness gates traffic; liveness restarts a hung process; startup covers slow starts (WAL replay). */
  readonly readiness: ServerProbe;
  readonly liveness: ServerProbe;
  readonly startup?: ServerProbe;
  /** Persistent data volume (ReadWriteOnce), mounted at `mountPath`. */
  readonly storage?: { readonly size: Size; readonly mountPath: string; readonly storageClassName?: string };
  /** Writable scratch directories (the root filesystem is read-only). */
  readonly scratch?: Array<{ readonly path: string; readonly sizeLimit: Size }>;
  readonly configMaps?: Array<{ readonly configMap: kplus.IConfigMap; readonly path: string; readonly optional?: boolean }>;
  readonly secrets?: Array<{ readonly secret: kplus.ISecret; readonly path: string; readonly optional?: boolean }>;
  /**
   * Files whose content the pod reads; hashed into the pod template so a change rolls the pod. Files other
   * constructs render (rules, a routing Secret) join the hash later through `MonitoringServer.configHash`.
   */
  readonly configData?: Record<string, string>;
  /** Service account; its token is mounted only when the server calls the Kubernetes API. */
  readonly serviceAccount?: kplus.IServiceAccount;
  readonly automountToken?: boolean;
}

/** What {@link addMonitoringServer} created. */
export interface MonitoringServer {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly container: kplus.Container;
  readonly claim?: kplus.PersistentVolumeClaim;
  readonly selector: Record<string, string>;
  readonly labels: Record<string, string>;
  /** The files hashed into the pod template (present when the spec gave `configData`). */
  readonly configHash?: ConfigHash;
}

/**
 * The files hashed into a pod template's config-hash annotation, computed when the manifest is rendered, so
 * files other constructs produce after the server was created (the rule files, the Alertmanager
 * configuration) count: any change to them changes the pod template and rolls the pod.
 */
export class ConfigHash {
  private readonly sources = new Map<string, () => Record<string, string>>();

  constructor(private readonly base: Record<string, string>) {}

  /**
   * Adds mounted files, under `name` (the ConfigMap or Secret they come from), produced on demand.
   *
   * @throws Error when `name` was added before
   */
  public add(name: string, files: () => Record<string, string>): void {
    if (this.sources.has(name) || name.length === 0) {
      throw new Error(`config source ${JSON.stringify(name)} is hashed twice or unnamed`);
    }
    this.sources.set(name, files);
  }

  /** SHA-256 over the base files and every added source, in name and key order. */
  public digest(): string {
    const all: Record<string, string> = { ...this.base };
    for (const [name, produce] of this.sources) {
      for (const [key, content] of Object.entries(produce())) {
        all[`${name}/${key}`] = content;
      }
    }
    return hashFiles(all);
  }
}

/** Tag of an image reference (`prom/prometheus:v2.53.2` -> `v2.53.2`), used as the version label. */
/**
 * Checks what every monitoring server's props share: a pinned image, a `partOf` and complete resources.
 *
 * @throws ValidationError naming the construct path and the field
 */
export function checkServerProps(scope: IConstruct, props: { readonly image: string; readonly partOf: string; readonly resources: ContainerResourceSpec }): void {
  assertAt(scope, 'image', checkPinnedImage(props.image));
  assertAt(scope, 'partOf', checkNonEmpty(props.partOf));
  const resources = checkResources(props.resources);
  if (resources !== undefined) {
    failAt(scope, `resources.${resources.field}`, resources.problem);
  }
}

export function imageTag(image: string): string {
  const at = image.indexOf('@sha256:');
  if (at >= 0) {
    return `sha256-${image.slice(at + '@sha256:'.length, at + '@sha256:'.length + 12)}`;
  }
  return image.slice(image.lastIndexOf(':') + 1);
}

/** Checks an image reference is pinned: `<repository>:<semantic version>` or `<repository>@sha256:<digest>`. */
export function checkPinnedImage(image: unknown): string | undefined {
  if (typeof image === 'string') {
    const digest = image.indexOf('@');
    const colon = image.lastIndexOf(':');
    const repository = digest >= 0 ? image.slice(0, digest) : image.slice(0, colon);
    const tag = digest >= 0 ? image.slice(digest + 1) : image.slice(colon + 1);
    if (repository.length > 0 && !repository.endsWith('/') && (digest >= 0 || colon > image.lastIndexOf('/')) && checkImageTag(tag, true) === undefined) {
      return undefined;
    }
  }
  return `must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got ${JSON.stringify(image)}`;
}

/** Recommended labels of a monitoring component, and the two of them its selectors use. */
export function componentLabels(name: string, component: string, partOf: string, version?: string): { labels: Record<string, string>; selector: Record<string, string> } {
  const labels = recommendedLabels({ name, instance: name, component, partOf, version });
  return { labels, selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name } };
}

/** SHA-256 over files, in key order. */
export function hashFiles(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) {
    hash.update(`${key}\0${files[key]}\0`);
  }
  return hash.digest('hex');
}

function probe(p: ServerProbe): kplus.k8s.Probe {
  return {
    httpGet: { path: p.path, port: kplus.k8s.IntOrString.fromString(p.portName), scheme: 'HTTP' },
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
    timeoutSeconds: p.timeoutSeconds ?? 5,
    successThreshold: 1,
  };
}

/** Adds a Service named `name` selecting `selector`, exposing `ports` under the same names. */
export function addClusterService(scope: Construct, id: string, name: string, labels: Record<string, string>, selector: Record<string, string>, ports: ServerPort[], namespace?: string): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name, namespace, labels: { ...labels, 'app.kubernetes.io/instance': name } },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: kplus.Protocol.TCP })),
  });
  for (const [key, value] of Object.entries(selector)) {
    service.selectLabel(key, value);
  }
  return service;
}

/**
 * Creates the Deployment (one replica, `Recreate`: a ReadWriteOnce volume cannot be attached to the new pod
 * while the old one holds it), its optional PersistentVolumeClaim `<name>-data` and Service `<name>`.
 */
export function addMonitoringServer(scope: Construct, spec: MonitoringServerSpec): MonitoringServer {
  const version = imageTag(spec.image);
  const { labels, selector } = componentLabels(spec.name, spec.component, spec.partOf);
  const podLabels = { ...labels, 'app.kubernetes.io/version': version };
  const configHash = spec.configData === undefined ? undefined : new ConfigHash(spec.configData);
  const annotations: Record<string, string> = configHash === undefined ? {}
    : { [AnnotationKeys.CONFIG_HASH]: Lazy.any({ produce: () => configHash.digest() }) as string };

  const deployment = new kplus.Deployment(scope, 'Deployment', {
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    select: false,
    spread: false,
    replicas: 1,
    strategy: spec.rollingUpdate === true
      ? kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) })
      : kplus.DeploymentStrategy.recreate(),
    podMetadata: { labels: podLabels, annotations },
    serviceAccount: spec.serviceAccount,
    automountServiceAccountToken: spec.automountToken ?? false,
    securityContext: restrictedPodSecurityContext(spec.uid),
  });
  deployment.select(kplus.LabelSelector.of({ labels: selector }));

  const container = deployment.addContainer({
    name: spec.name,
    image: spec.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    args: spec.args,
    envVariables: spec.env,
    ports: spec.ports.map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
    resources: toContainerResources(spec.resources),
    securityContext: restrictedContainerSecurityContext(spec.uid),
  });

  let claim: kplus.PersistentVolumeClaim | undefined;
  if (spec.storage !== undefined) {
    claim = new kplus.PersistentVolumeClaim(scope, 'Data', {
      metadata: { name: `${spec.name}-data`, labels },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: spec.storage.size,
      storageClassName: spec.storage.storageClassName,
      volumeMode: kplus.PersistentVolumeMode.FILE_SYSTEM,
    });
    container.mount(spec.storage.mountPath, kplus.Volume.fromPersistentVolumeClaim(scope, 'DataVolume', claim, { name: 'data' }));
  }
  (spec.scratch ?? []).forEach((s, i) => {
    container.mount(s.path, kplus.Volume.fromEmptyDir(scope, `Scratch${i}`, `scratch-${i}`, { sizeLimit: s.sizeLimit }));
  });
  for (const c of spec.configMaps ?? []) {
    const volume = kplus.Volume.fromConfigMap(scope, `ConfigMap-${c.configMap.name}`, c.configMap, { name: c.configMap.name, optional: c.optional });
    container.mount(c.path, volume, { readOnly: true });
  }
  for (const s of spec.secrets ?? []) {
    const volume = kplus.Volume.fromSecret(scope, `Secret-${s.secret.name}`, s.secret, { name: s.secret.name, optional: s.optional });
    container.mount(s.path, volume, { readOnly: true });
  }

  hardenPodTemplate(deployment, {
    selector,
    probes: {
      readinessProbe: probe(spec.readiness),
      livenessProbe: probe(spec.liveness),
      ...(spec.startup === undefined ? {} : { startupProbe: probe(spec.startup) }),
    },
  });

  const service = addClusterService(scope, 'Service', spec.name, labels, selector, spec.servicePorts ?? spec.ports, spec.namespace);
  return { deployment, service, container, claim, selector, labels, configHash };
}
