import { k8s } from 'cdk8s-plus-28';
import { Check, checkShape, checkUrlPath, integer, optional } from './checks';

/**
 * Timing of one HTTP health probe.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface HttpProbeSpec {
  /** Path the kubelet requests (`/health/ready`). */
  readonly path: string;

  /** Seconds after the container starts before the first probe. */
  readonly initialDelaySeconds: number;

  /** Seconds between probes. */
  readonly periodSeconds: number;

  /** Seconds after which one probe counts as failed. */
  readonly timeoutSeconds: number;

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

/** Header the seed's health controller reads to tell the probes apart. */
export const PROBE_TYPE_HEADER = 'X-Probe-Type';

/**
 * The Laravel health endpoints and timings of seed 000 ("Configure Kubernetes probes").
 *
 * Startup allows 10 s + 30 x 10 s = about 5 minutes for a cold boot (cache rebuild after a deploy);
 * liveness restarts after 3 failures; readiness drops the pod from the Service after 3.
 */
export const LARAVEL_HEALTH_PROBES: HealthProbes = {
  startup: { path: '/health/startup', initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
  liveness: { path: '/health/live', initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { path: '/health/ready', initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Renders a probe against a named container port, tagging the request with its probe type. */
export function renderHttpProbe(spec: HttpProbeSpec, portName: string, probeType: keyof HealthProbes): k8s.Probe {
  return {
    httpGet: {
      path: spec.path,
      port: k8s.IntOrString.fromString(portName),
      httpHeaders: [{ name: PROBE_TYPE_HEADER, value: probeType }],
    },
    initialDelaySeconds: spec.initialDelaySeconds,
    periodSeconds: spec.periodSeconds,
    timeoutSeconds: spec.timeoutSeconds,
    successThreshold: 1,
    failureThreshold: spec.failureThreshold,
  };
}

/** The run-time check of one {@link HttpProbeSpec}: an absolute path, periods and thresholds of at least 1. */
export const checkHttpProbeSpec: Check = checkShape({
  path: checkUrlPath,
  initialDelaySeconds: integer(0),
  periodSeconds: integer(1),
  timeoutSeconds: integer(1),
  failureThreshold: integer(1),
});

/** The run-time check of a `Partial<HealthProbes>` prop: each probe given is complete and valid. */
export const checkHealthProbes: Check = checkShape({
  startup: optional(checkHttpProbeSpec),
  liveness: optional(checkHttpProbeSpec),
  readiness: optional(checkHttpProbeSpec),
});
