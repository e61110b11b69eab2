import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Check, checkShape, checkTimeSpan, checkUrlPath, integer, optional } from './checks';

/**
 * Timing of one HTTP health probe.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface HttpProbeSpec {
  /** Path the kubelet requests (`/healthz`). */
  readonly path: string;

  /** Time after the container starts before the first probe (whole seconds, may be zero). */
  readonly initialDelay: Duration;

  /** Time between probes (whole seconds, at least one). */
  readonly period: Duration;

  /** Time after which one probe counts as failed (whole seconds, at least one). */
  readonly timeout: Duration;

  /** Consecutive failures after which the probe acts (restart, or removal from endpoints). */
  readonly failureThreshold: number;
}

/** The three probes of a long-running HTTP container. */
export interface HealthProbes {
  /** Gates the other two until the app has booted. */
  readonly startup: HttpProbeSpec;

  /** Restarts the container when it fails. */
  readonly liveness: HttpProbeSpec;

  /** Removes the pod from Service endpoints when it fails. */
  readonly readiness: HttpProbeSpec;
}

/**
 * Plain defaults: every probe asks `/healthz`; startup allows 5 s + 60 x 5 s = about 5 minutes for a cold
 * boot, liveness restarts after 3 failures, readiness drops the pod from the Service after 3.
 */
export const DEFAULT_HEALTH_PROBES: HealthProbes = {
  startup: { path: '/healthz', initialDelay: Duration.seconds(5), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 60 },
  liveness: { path: '/healthz', initialDelay: Duration.seconds(0), period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3 },
  readiness: { path: '/healthz', initialDelay: Duration.seconds(0), period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 },
};

/**
 * Renders a probe against a named container port; with `probeTypeHeader`, each request carries that header
 * with the probe's type (`startup`, `liveness`, `readiness`) so one health endpoint can tell them apart.
 */
export function renderHttpProbe(spec: HttpProbeSpec, portName: string, probeType: keyof HealthProbes, probeTypeHeader?: string): k8s.Probe {
  return {
    httpGet: {
      path: spec.path,
      port: k8s.IntOrString.fromString(portName),
      ...(probeTypeHeader === undefined ? {} : { httpHeaders: [{ name: probeTypeHeader, value: probeType }] }),
    },
    initialDelaySeconds: spec.initialDelay.toSeconds(),
    periodSeconds: spec.period.toSeconds(),
    timeoutSeconds: spec.timeout.toSeconds(),
    successThreshold: 1,
    failureThreshold: spec.failureThreshold,
  };
}

/** The run-time check of one {@link HttpProbeSpec}: an absolute path, whole-second Durations (period and timeout at least 1 s), thresholds of at least 1. */
export const checkHttpProbeSpec: Check = checkShape({
  path: checkUrlPath,
  initialDelay: (v) => checkTimeSpan(v, 0),
  period: (v) => checkTimeSpan(v, 1),
  timeout: (v) => checkTimeSpan(v, 1),
  failureThreshold: integer(1),
});

/** The run-time check of a `Partial<HealthProbes>` prop: each probe given is complete and valid. */
export const checkHealthProbes: Check = checkShape({
  startup: optional(checkHttpProbeSpec),
  liveness: optional(checkHttpProbeSpec),
  readiness: optional(checkHttpProbeSpec),
});
