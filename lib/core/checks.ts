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

/** A TCP/UDP port number. */
export function checkPort(value: unknown): string | undefined {
  return checkInteger(value, 1, 65535) === undefined ? undefined : `must be a port number from 1 to 65535, got ${show(value)}`;
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function checkLabelKey(value: unknown): string | undefined {
  return isLabelKey(value)
    ? undefined
    : `must be a label key ([prefix/]name: a DNS subdomain prefix, a name of at most 63 letters, digits, '-', '_', '.'), got ${show(value)}`;
}

function isLabelKey(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const slash = value.indexOf('/');
  const prefix = slash === -1 ? undefined : value.slice(0, slash);
  const name = slash === -1 ? value : value.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return false;
  }
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/** DNS-1123 subdomain: the name rule of most object kinds (at most 253 characters). */
export function checkDnsSubdomain(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return `must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), got ${show(value)}`;
  }
  return undefined;
}

/** An IPv4 CIDR block (`10.0.0.0/8`); the address must be the network address of the block. */
export function checkCidr(value: unknown): string | undefined {
  const problem = `must be an IPv4 CIDR block such as "10.0.0.0/8", got ${show(value)}`;
  const match = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  if (match === null) {
    return problem;
  }
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) {
    return problem;
  }
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return address % size === 0 ? undefined : `must start at the network address of the block (host bits zero), got ${show(value)}`;
}

const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/**
 * A five-field cron schedule as Kubernetes CronJobs read it (`minute hour day-of-month month day-of-week`):
 * numbers, `*`, ranges `a-b`, steps `/n` and lists. Names (`MON`, `JAN`) and macros (`@daily`) are refused
 * so every schedule in the repository reads the same way; `TZ=` prefixes are refused because the time
 * zone is a CronJob field (`timeZone`).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export function checkCron(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    return `required: a five-field cron schedule such as "30 2 * * *", got ${show(value)}`;
  }
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length} in ${show(value)}`;
  }
  for (let i = 0; i < 5; i++) {
    const { name, min, max } = CRON_FIELDS[i];
    for (const part of fields[i].split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      const low = match?.[2] === undefined ? min : Number(match[2]);
      const high = match?.[3] === undefined ? (match?.[2] === undefined ? max : low) : Number(match[3]);
      const step = match?.[4] === undefined ? 1 : Number(match[4]);
      if (match === null || low < min || high > max || low > high || step < 1) {
        return `${name} field must be numbers from ${min} to ${max}, '*', ranges a-b, steps /n (n >= 1) or lists, got ${show(fields[i])} in ${show(value)}`;
      }
    }
  }
  return undefined;
}
