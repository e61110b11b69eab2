/**
 * The pod template of a Rollout, built from the same pieces as the web tier's Deployments (restricted security
 * contexts, probes on the named `http` port, requests and limits, writable paths on one size-limited
 * `emptyDir`, the drain before SIGTERM, topology spread, the config hash) and rendered into the typed structs
 * of the imported Rollout CRD, which cdk8s-plus cannot render into.
 */
import * as kplus from 'cdk8s-plus-28';
import {
  RolloutSpecTemplate, RolloutSpecTemplateSpecContainersEnv, RolloutSpecTemplateSpecContainersLivenessProbe, RolloutSpecTemplateSpecContainersLivenessProbeHttpGetPort,
  RolloutSpecTemplateSpecContainersReadinessProbe, RolloutSpecTemplateSpecContainersReadinessProbeHttpGetPort, RolloutSpecTemplateSpecContainersStartupProbe,
  RolloutSpecTemplateSpecContainersStartupProbeHttpGetPort,
} from '../../../imports/argoproj.io';
import { ContainerResourceSpec, memoryQuantity } from '../../core/container-resources';
import { HealthProbes, renderHttpProbe } from '../../core/http-probes';
import { restrictedContainerSecurityContextSpec, restrictedPodSecurityContextSpec, topologySpread } from '../../core/pod-hardening';
import { WRITABLE_VOLUME, writableSubPath } from '../../core/workload-parts';

/** Label Argo Rollouts puts on every pod of a Rollout, one value per template revision. */
export const ROLLOUTS_REVISION_LABEL = 'rollouts-pod-template-hash';

/** What {@link rolloutPodTemplate} renders. */
export interface RolloutPodSpec {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Labels the Rollout selects on: the topology spread counts pods carrying them. */
  readonly selector: Record<string, string>;
  readonly serviceAccountName: string;
  readonly containerName: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly number: number }>;
  /** Container port name the probes ask. */
  readonly probePort: string;
  readonly probes: HealthProbes;
  readonly probeTypeHeader?: string;
  readonly resources: ContainerResourceSpec;
  /** Environment variables as cdk8s-plus renders them (`containerEnvVariables`). */
  readonly env: Record<string, kplus.EnvValue>;
  readonly envFromConfigMaps: readonly kplus.IConfigMap[];
  readonly envFromSecrets: readonly kplus.ISecret[];
  readonly configMapMounts: ReadonlyArray<{ readonly configMap: kplus.IConfigMap; readonly path: string }>;
  readonly writablePaths: readonly string[];
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  readonly runAsUser: number;
}

type ProbePort = { fromString(value: string): unknown; fromNumber(value: number): unknown };

/** A `k8s.Probe` from `renderHttpProbe` in the Rollout's structs (only the port's class differs). */
function probe<T>(rendered: kplus.k8s.Probe, port: ProbePort): T {
  const get = rendered.httpGet!;
  const value = get.port.value;
  return {
    httpGet: {
      path: get.path,
      port: typeof value === 'number' ? port.fromNumber(value) : port.fromString(value),
      httpHeaders: get.httpHeaders?.map((h) => ({ name: h.name, value: h.value })),
    },
    initialDelaySeconds: rendered.initialDelaySeconds,
    periodSeconds: rendered.periodSeconds,
    timeoutSeconds: rendered.timeoutSeconds,
    successThreshold: rendered.successThreshold,
    failureThreshold: rendered.failureThreshold,
  } as T;
}

function envVar(name: string, value: kplus.EnvValue): RolloutSpecTemplateSpecContainersEnv {
  const from = value.valueFrom as kplus.k8s.EnvVarSource | undefined;
  if (from === undefined) {
    return { name, value: value.value as string };
  }
  return {
    name,
    valueFrom: {
      secretKeyRef: from.secretKeyRef === undefined ? undefined : { name: from.secretKeyRef.name, key: from.secretKeyRef.key, optional: from.secretKeyRef.optional },
      configMapKeyRef: from.configMapKeyRef === undefined ? undefined : { name: from.configMapKeyRef.name, key: from.configMapKeyRef.key, optional: from.configMapKeyRef.optional },
    },
  };
}

/** The Rollout's `spec.template`. */
export function rolloutPodTemplate(spec: RolloutPodSpec): RolloutSpecTemplate {
  const uid = spec.runAsUser;
  const render = (type: keyof HealthProbes) => renderHttpProbe(spec.probes[type], spec.probePort, type, spec.probeTypeHeader);
  const pod = restrictedPodSecurityContextSpec(uid);
  const container = restrictedContainerSecurityContextSpec(uid);
  const r = spec.resources;
  const writable = [...spec.writablePaths].sort();
  return {
    metadata: { labels: spec.labels, annotations: spec.annotations },
    spec: {
      serviceAccountName: spec.serviceAccountName,
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: pod.runAsNonRoot, runAsUser: pod.runAsUser, runAsGroup: pod.runAsGroup, fsGroup: pod.fsGroup, fsGroupChangePolicy: pod.fsGroupChangePolicy,
      },
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      topologySpreadConstraints: topologySpread(spec.selector, ROLLOUTS_REVISION_LABEL).map((c) => ({
        topologyKey: c.topologyKey, maxSkew: c.maxSkew, whenUnsatisfiable: c.whenUnsatisfiable, labelSelector: { matchLabels: c.labelSelector?.matchLabels }, matchLabelKeys: c.matchLabelKeys,
      })),
      containers: [{
        name: spec.containerName,
        image: spec.image,
        imagePullPolicy: spec.imagePullPolicy,
        ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.number, protocol: 'TCP' })),
        env: Object.entries(spec.env).map(([name, value]) => envVar(name, value)),
        envFrom: [
          ...spec.envFromConfigMaps.map((c) => ({ configMapRef: { name: c.name } })),
          ...spec.envFromSecrets.map((s) => ({ secretRef: { name: s.name } })),
        ],
        resources: {
          requests: { cpu: r.cpuRequest.amount, memory: memoryQuantity(r.memoryRequest) },
          limits: { cpu: r.cpuLimit.amount, memory: memoryQuantity(r.memoryLimit) },
        },
        lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', `sleep ${spec.preStopSleepSeconds}`] } } },
        startupProbe: probe<RolloutSpecTemplateSpecContainersStartupProbe>(render('startup'), RolloutSpecTemplateSpecContainersStartupProbeHttpGetPort),
        livenessProbe: probe<RolloutSpecTemplateSpecContainersLivenessProbe>(render('liveness'), RolloutSpecTemplateSpecContainersLivenessProbeHttpGetPort),
        readinessProbe: probe<RolloutSpecTemplateSpecContainersReadinessProbe>(render('readiness'), RolloutSpecTemplateSpecContainersReadinessProbeHttpGetPort),
        securityContext: {
          runAsNonRoot: container.runAsNonRoot, runAsUser: container.runAsUser, runAsGroup: container.runAsGroup, privileged: container.privileged,
          allowPrivilegeEscalation: container.allowPrivilegeEscalation, readOnlyRootFilesystem: container.readOnlyRootFilesystem,
          capabilities: { drop: container.capabilities?.drop }, seccompProfile: { type: container.seccompProfile!.type },
        },
        volumeMounts: [
          ...writable.map((path) => ({ name: WRITABLE_VOLUME, mountPath: path, subPath: writableSubPath(path) })),
          ...spec.configMapMounts.map((m) => ({ name: m.configMap.name, mountPath: m.path, readOnly: true })),
        ],
      }],
      volumes: [
        ...(writable.length === 0 ? [] : [{ name: WRITABLE_VOLUME, emptyDir: { sizeLimit: memoryQuantity(r.memoryLimit) } }]),
        ...spec.configMapMounts.map((m) => ({ name: m.configMap.name, configMap: { name: m.configMap.name } })),
      ],
    },
  };
}
