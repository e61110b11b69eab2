import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import { checkArrayOf, checkDnsLabel, checkLabelKey, checkLabelName, checkNonEmpty, checkProps, checkString, optional, Rules } from '../core/checks';
import { checkPinnedImage, componentLabels, hashFiles, imageTag } from './monitoring-server';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { AnnotationKeys } from '../core/labels';
import { checkResourceSpec } from '../core/container-resources';

/** Props of {@link LogShipper}. */
export interface LogShipperProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the DaemonSet and ServiceAccount; the configuration is ConfigMap `<name>-config`.
   *
   * @default 'alloy'
   */
  readonly name?: string;

  /** Image, pinned (`grafana/alloy:v1.4.2`). */
  readonly image: string;

  /** Requests and limits of the Alloy container on each node. */
  readonly resources: ContainerResourceSpec;

  /** Loki's push endpoint (`http://loki.monitoring.svc:3100/loki/api/v1/push`). */
  readonly lokiPushUrl: string;

  /**
   * Pod labels copied onto every log stream as Loki labels (`app`, `colour`), besides namespace, pod and
   * container.
   *
   * @default []
   */
  readonly podLabels?: readonly string[];

  /**
   * Name of the cluster-scoped ClusterRole and ClusterRoleBinding; unique per cluster.
   *
   * @default - the `name` ('alloy')
   */
  readonly clusterRoleName?: string;
}

const NAME = 'alloy';
const HTTP_PORT = 12345;
const CONFIG_DIR = '/etc/alloy';
const CONFIG_KEY = 'config.alloy';
const DATA_DIR = '/var/lib/alloy/data';
/** The image's `alloy` user. */
const ALLOY_UID = 473;

function alloyString(value: string): string {
  return JSON.stringify(value);
}

function labelRule(source: string, target: string): string {
  return `  rule {\n    source_labels = [${alloyString(source)}]\n    target_label  = ${alloyString(target)}\n  }\n`;
}

/** Prometheus' sanitised form of a pod label in discovery meta labels. */
function metaLabel(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * The Alloy pipeline: pods on this node (from the API) -> labels -> logs read through the API -> Loki.
 */
export function alloyConfig(lokiPushUrl: string, podLabels: readonly string[]): string {
  const rules = [
    labelRule('__meta_kubernetes_namespace', 'namespace'),
    labelRule('__meta_kubernetes_pod_name', 'pod'),
    labelRule('__meta_kubernetes_pod_container_name', 'container'),
    ...[...podLabels].sort().map((l) => labelRule(metaLabel(l), l)),
  ];
  return [
    '// Pods scheduled on this node only: each DaemonSet pod ships its own node\'s logs, so none is shipped twice.',
    'discovery.kubernetes "pods" {',
    '  role = "pod"',
    '  selectors {',
    '    role  = "pod"',
    '    field = "spec.nodeName=" + env("NODE_NAME")',
    '  }',
    '}',
    '',
    'discovery.relabel "pods" {',
    '  targets = discovery.kubernetes.pods.targets',
    ...rules.join('').trimEnd().split('\n'),
    '}',
    '',
    '// Container logs read through the API server (pods/log): no hostPath, so the pod stays restricted.',
    'loki.source.kubernetes "pods" {',
    '  targets    = discovery.relabel.pods.output',
    '  forward_to = [loki.write.default.receiver]',
    '}',
    '',
    'loki.write "default" {',
    '  endpoint {',
    `    url = ${alloyString(lokiPushUrl)}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Run-time checks of {@link LogShipperProps}, applied before anything is created. */
const LOG_SHIPPER_RULES: Rules = { partOf: checkLabelName, name: optional(checkDnsLabel), image: checkString, resources: checkResourceSpec, lokiPushUrl: checkString, podLabels: optional(checkArrayOf(checkLabelKey)), clusterRoleName: optional(checkString) };

/**
 * Grafana Alloy as a DaemonSet `alloy` shipping every pod's logs to Loki (Promtail, the seed's agent,
 * reached end of life in March 2026).
 *
 * Alloy tails logs with `loki.source.kubernetes`, which reads them through the API server's `pods/log`
 * endpoint instead of the node's `/var/log/pods`. That costs API server and kubelet bandwidth, but needs
 * no hostPath volume, no root and no Pod Security exception: namespace `monitoring` stays *restricted*.
 * Each pod discovers only the pods of its own node (a field selector on `spec.nodeName`), so the work is
 * spread like a file-tailing agent's and no stream is read twice. Its ClusterRole may only read pods
 * and their logs.
 */
export class LogShipper extends Construct {
  /** DaemonSet `alloy`. */
  public readonly daemonSet: kplus.DaemonSet;

  /** ConfigMap `alloy-config` (key `config.alloy`). */
  public readonly configMap: kplus.ConfigMap;

  /** ClusterRole `alloy`: get/list/watch pods, get pods/log. */
  public readonly clusterRole: kplus.ClusterRole;

  /** ServiceAccount `alloy`. */
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: LogShipperProps) {
    super(scope, id);
    checkProps(this, props, LOG_SHIPPER_RULES);
    assertAt(this, 'image', checkPinnedImage(props.image));
    assertAt(this, 'partOf', checkNonEmpty(props.partOf));
    assertAt(this, 'lokiPushUrl', /^https?:\/\/[^\s/]+\/loki\/api\/v1\/push$/.test(props.lokiPushUrl)
      ? undefined : `must be an http(s) URL ending in /loki/api/v1/push, got ${JSON.stringify(props.lokiPushUrl)}`);
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, `resources.${resources.field}`, resources.problem);
    }
    const podLabels = props.podLabels ?? [];
    podLabels.forEach((l, i) => assertAt(this, `podLabels[${i}]`, /^[a-z_][a-z0-9_]*$/.test(l) && podLabels.indexOf(l) === i
      ? undefined : `must be a unique Loki label name ([a-z_][a-z0-9_]*), got ${JSON.stringify(l)}`));

    const name = props.name ?? NAME;
    const { labels, selector } = componentLabels(name, 'logging', props.partOf);
    const configFile = alloyConfig(props.lokiPushUrl, podLabels);
    this.configMap = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${name}-config`, labels }, data: { [CONFIG_KEY]: configFile } });

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    const clusterRoleName = props.clusterRoleName ?? name;
    this.clusterRole = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name: clusterRoleName, labels } });
    this.clusterRole.allow(['get', 'list', 'watch'], kplus.ApiResource.PODS);
    this.clusterRole.allow(['get'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/log' }));
    const binding = new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name: clusterRoleName, labels }, role: this.clusterRole });
    binding.addSubjects(this.serviceAccount);

    this.daemonSet = new kplus.DaemonSet(this, 'DaemonSet', {
      metadata: { name, labels },
      select: false,
      podMetadata: {
        labels: { ...labels, 'app.kubernetes.io/version': imageTag(props.image) },
        annotations: { [AnnotationKeys.CONFIG_HASH]: hashFiles({ [CONFIG_KEY]: configFile }) },
      },
      serviceAccount: this.serviceAccount,
      // Discovery and log tailing call the API server.
      automountServiceAccountToken: true,
      securityContext: restrictedPodSecurityContext(ALLOY_UID),
    });
    this.daemonSet.select(kplus.LabelSelector.of({ labels: selector }));
    const container = this.daemonSet.addContainer({
      name: NAME,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: ['run', `${CONFIG_DIR}/${CONFIG_KEY}`, `--server.http.listen-addr=0.0.0.0:${HTTP_PORT}`, `--storage.path=${DATA_DIR}`, '--disable-reporting'],
      envVariables: { NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      ports: [{ name: 'http', number: HTTP_PORT, protocol: kplus.Protocol.TCP }],
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(ALLOY_UID),
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' }), { readOnly: true });
    // Read positions: a container restart resumes where it stopped (a new pod starts from recent lines).
    container.mount(DATA_DIR, kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data', { sizeLimit: Size.mebibytes(256) }));
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(64) }));

    const probe = (periodSeconds: number, failureThreshold: number): kplus.k8s.Probe => ({
      httpGet: { path: '/-/ready', port: kplus.k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
      periodSeconds, failureThreshold, timeoutSeconds: 5, successThreshold: 1,
    });
    const obj = ApiObject.of(this.daemonSet);
    obj.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', probe(30, 5)));
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', probe(10, 3)));
    // One pod per node: replace it in place, a node at a time.
    obj.addJsonPatch(JsonPatch.add('/spec/updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) } }));
  }
}
