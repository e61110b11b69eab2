/**
 * Value checks shared by construct props and the environment configuration.
 *
 * Each check returns `undefined` when the value is acceptable, or a one-line problem that says what is
 * allowed and shows the bad value. Callers add the location (construct path or environment) and field.
 */
import { show } from './errors';

/** DNS-1123 label: names of Namespaces, Services, ports' owners... (at most 63 characters). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: names of most objects and host names (at most 253 characters). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A tag that names one immutable build: a semantic version (`v1.2.3`, `1.2.3-rc.1`). */
const SEMVER_TAG = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** An OCI image tag as the registry accepts it. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function checkDnsLabel(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
    return `must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got ${show(value)}`;
  }
  return undefined;
}

export function checkHostName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `required: a DNS host name such as "shop.example.com", got ${show(value)}`;
  }
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return `must be a lower-case DNS host name such as "shop.example.com", got ${show(value)}`;
  }
  return undefined;
}

export function checkLabelValue(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    return `must be a label value (at most 63 characters: letters, digits, '-', '_', '.'; alphanumeric at both ends), got ${show(value)}`;
  }
  return undefined;
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[]): string | undefined {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(value)}`;
  }
  return undefined;
}

export function checkInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    return `must be ${range}, got ${show(value)}`;
  }
  return undefined;
}

export function checkReplicaBounds(minReplicas: number, maxReplicas: number): string | undefined {
  return minReplicas > maxReplicas ? `must not exceed maxReplicas (${maxReplicas}), got ${minReplicas}` : undefined;
}

export function checkNonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? undefined : `required, got ${show(value)}`;
}

/**
 * Checks an image tag or digest. With `pinned`, only a semantic version or a digest is accepted: a
 * moving tag (`latest`, `main`) makes the running version depend on when a node pulled it.
 */
export function checkImageTag(value: unknown, pinned: boolean): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `required: an image tag or sha256 digest, got ${show(value)}`;
  }
  if (!IMAGE_TAG.test(value) && !DIGEST.test(value)) {
    return `must be an image tag or sha256 digest, got ${show(value)}`;
  }
  if (pinned && !SEMVER_TAG.test(value) && !DIGEST.test(value)) {
    return `must be pinned to a semantic version (v1.2.3) or a sha256 digest, got ${show(value)}`;
  }
  return undefined;
}

/** True for a digest reference, which is joined to the repository with `@` instead of `:`. */
export function isDigest(tag: string): boolean {
  return DIGEST.test(tag);
}

/** True when the tag names one immutable build (semantic version or digest). */
export function isPinnedTag(tag: string): boolean {
  return SEMVER_TAG.test(tag) || DIGEST.test(tag);
}
