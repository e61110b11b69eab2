/**
 * Label keys and the recommended label set every object carries.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */

/** Label and annotation keys used across the library, defined once. */
export const LabelKeys = {
  /** Short app name; scripts select pods with `app=<name>`. */
  APP: 'app',
  /** Release of the code a pod runs (the image tag). Never used in a selector. */
  VERSION: 'version',
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  APP_VERSION: 'app.kubernetes.io/version',
} as const;

/** Annotation keys, defined once. */
export const AnnotationKeys = {
  PROMETHEUS_SCRAPE: 'prometheus.io/scrape',
  PROMETHEUS_PORT: 'prometheus.io/port',
  PROMETHEUS_PATH: 'prometheus.io/path',
  /** SHA-256 of the configuration a pod template reads; a change rolls the pods. */
  CONFIG_HASH: 'checksum/config',
} as const;

/** Value of `app.kubernetes.io/managed-by` on everything this library renders. */
export const MANAGED_BY = 'cdk8s';

/** Identity of a workload or component, from which its labels are derived. */
export interface LabelIdentity {
  /** Name of the application (`storefront`). */
  readonly name: string;

  /** Unique instance name (`storefront-blue`). */
  readonly instance: string;

  /** Role within the architecture (`web`, `worker`, `database`). */
  readonly component: string;

  /** Name of the higher-level application this is part of (`shop`). */
  readonly partOf: string;

  /**
   * Version of the code, added as `app.kubernetes.io/version`.
   *
   * @default - no version label (objects that are not versioned, such as Services)
   */
  readonly version?: string;
}

/** The recommended `app.kubernetes.io/*` labels for an identity, in a stable key order. */
export function recommendedLabels(identity: LabelIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    [LabelKeys.NAME]: identity.name,
    [LabelKeys.INSTANCE]: identity.instance,
    [LabelKeys.COMPONENT]: identity.component,
    [LabelKeys.PART_OF]: identity.partOf,
    [LabelKeys.MANAGED_BY]: MANAGED_BY,
  };
  if (identity.version !== undefined) {
    labels[LabelKeys.APP_VERSION] = identity.version;
  }
  return labels;
}
