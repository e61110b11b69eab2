/**
 * Value checks shared by construct props and configuration loaders.
 *
 * Each check returns `undefined` when the value is acceptable, or a one-line problem that says what is
 * allowed and shows the bad value. Callers add the location (construct path or environment) and field.
 */
import { IConstruct } from 'constructs';
import { failAt, show } from './errors';

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

/**
 * Image repositories whose product numbers its releases `major.minor`, with the first major numbered that
 * way: for these a `major.minor` tag (optionally with a variant suffix, `16.4-alpine3.20`) names one release
 * exactly, as `x.y.z` does for a product on semantic versions, and a `major` tag moves with every release.
 *
 * - `postgres`: PostgreSQL numbers releases `major.minor` since version 10 (`16.4` is the fourth minor
 *   release of 16); before 10 the first two numbers were the major (`9.6` moved through 9.6.0-9.6.24),
 *   so `postgres:9.6` is not pinned.
 *
 * Official Docker Hub images are matched under every spelling of their name (`postgres`,
 * `library/postgres`, `docker.io/library/postgres`); an image in another registry must use a semantic
 * version or a digest.
 *
 * @see https://www.postgresql.org/support/versioning/
 */
export const TWO_COMPONENT_RELEASE_IMAGES: Readonly<Record<string, { readonly sinceMajor: number }>> = {
  postgres: { sinceMajor: 10 },
};

/** A `major.minor` tag with an optional variant suffix (`16.4`, `16.4-bookworm`, `16.4-alpine3.20`). */
const TWO_COMPONENT_TAG = /^(\d+)\.\d+(-[a-z][a-z0-9.]*)?$/;

/** The repository of an official Docker Hub image, without the registry and `library/` prefixes. */
function dockerHubOfficialName(repository: string): string | undefined {
  const name = repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return name.includes('/') ? undefined : name;
}

/**
 * True when a whole image reference names one release: a digest (`repo@sha256:...`), a semantic-version
 * tag (`repo:v1.2.3`), or a `major.minor` tag of an image in {@link TWO_COMPONENT_RELEASE_IMAGES}
 * (`postgres:16.4`). The `image-pinned` policy rule and the constructs that take images use this one test.
 */
export function isPinnedImage(image: string): boolean {
  const at = image.indexOf('@');
  if (at !== -1) {
    return DIGEST.test(image.slice(at + 1));
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon === -1) {
    return false;
  }
  const tag = image.slice(colon + 1);
  if (isPinnedTag(tag)) {
    return true;
  }
  const name = dockerHubOfficialName(image.slice(0, colon));
  const match = TWO_COMPONENT_TAG.exec(tag);
  return name !== undefined && match !== null && Object.hasOwn(TWO_COMPONENT_RELEASE_IMAGES, name)
    && Number(match[1]) >= TWO_COMPONENT_RELEASE_IMAGES[name].sinceMajor;
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

/**
 * What is wrong with a value: a one-line problem, or a problem of one of its parts (`field` is relative:
 * `.minReplicas`, `[2]`, `.API_KEY.key`).
 */
export type Problem = string | { readonly field: string; readonly problem: string };

/** A check of one value: `undefined` when acceptable. Every `check...` function of this module is one. */
export type Check = (value: unknown) => Problem | undefined;

/** Checks the shape of a props object or configuration section: one check per field. */
export type Rules = Readonly<Record<string, Check>>;

/** Joins a field and a nested problem into one field path and problem. */
function nested(field: string, problem: Problem): { field: string; problem: string } {
  return typeof problem === 'string' ? { field, problem } : { field: `${field}${problem.field}`, problem: problem.problem };
}

/** The field path and problem of the first field of `value` that fails its rule, or `undefined`. */
export function findProblem(value: unknown, rules: Rules, prefix = ''): { field: string; problem: string } | undefined {
  for (const [field, rule] of Object.entries(rules)) {
    const problem = rule((value as Record<string, unknown>)[field]);
    if (problem !== undefined) {
      return nested(`${prefix}${field}`, problem);
    }
  }
  return undefined;
}

/**
 * Checks a construct's props at run time, whatever the caller's language: the props must be an object and
 * each field must pass its rule. Throws a `ValidationError` naming the first field at fault.
 *
 * Run it first in a constructor, before any default is resolved, so a JavaScript caller or an `as any`
 * gets `[path] field: problem` instead of a `TypeError` from deep inside cdk8s.
 */
export function checkProps(scope: IConstruct, props: unknown, rules: Rules): void {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    failAt(scope, 'props', `must be an object, got ${show(props)}`);
  }
  const problem = findProblem(props, rules);
  if (problem !== undefined) {
    failAt(scope, problem.field, problem.problem);
  }
}

/** Accepts `undefined` (an optional field left out); otherwise applies `check`. */
export function optional(check: Check): Check {
  return (value) => (value === undefined ? undefined : check(value));
}

/** A nested object whose fields each pass their rule. */
export function checkShape(rules: Rules): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `must be an object with ${Object.keys(rules).join(', ')}, got ${show(value)}`;
    }
    const problem = findProblem(value, rules, '.');
    return problem === undefined ? undefined : { field: problem.field, problem: problem.problem };
  };
}

/** An array whose items each pass `item`; with `nonEmpty`, at least one item. */
export function checkArrayOf(item: Check, options: { readonly nonEmpty?: boolean } = {}): Check {
  return (value) => {
    if (!Array.isArray(value)) {
      return `must be a list, got ${show(value)}`;
    }
    if (options.nonEmpty === true && value.length === 0) {
      return 'must list at least one item, got []';
    }
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i]);
      if (problem !== undefined) {
        return nested(`[${i}]`, problem);
      }
    }
    return undefined;
  };
}

/** A plain object whose keys pass `key` and whose values pass `item` (reported under `.<key>`). */
export function checkRecordOf(key: Check, item: Check): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `must be an object of key/value pairs, got ${show(value)}`;
    }
    for (const [k, v] of Object.entries(value)) {
      const problem = key(k) ?? item(v);
      if (problem !== undefined) {
        return nested(`.${k}`, problem);
      }
    }
    return undefined;
  };
}

/** Any string (possibly empty). */
export function checkString(value: unknown): string | undefined {
  return typeof value === 'string' ? undefined : `must be a string, got ${show(value)}`;
}

/** `true` or `false`: the string `"false"` is refused, it would read as true. */
export function checkBoolean(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : `must be true or false, got ${show(value)}`;
}

/** A finite number from `min` to `max` (inclusive). */
export function checkNumber(value: unknown, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_VALUE ? (min === -Number.MAX_VALUE ? 'a finite number' : `a number of at least ${min}`) : `a number from ${min} to ${max}`;
    return `must be ${range}, got ${show(value)}`;
  }
  return undefined;
}

/** A finite number greater than 0. */
export function checkPositive(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `must be a positive number, got ${show(value)}`;
}

/** A percentage: a finite number from 0 to 100. */
export function checkPercent(value: unknown): string | undefined {
  return checkNumber(value, 0, 100);
}

/** Names a value of a class, for `checkInstance`. */
export function checkInstance(isInstance: (value: unknown) => boolean, what: string): Check {
  return (value) => (isInstance(value) ? undefined : `must be ${what}, got ${show(value)}`);
}

function hasMethods(value: unknown, ...methods: string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

/** A cdk8s `Size` greater than zero (`Size.gibibytes(10)`); `0Gi`, `NaNGi` and strings are refused. */
export function checkSize(value: unknown): string | undefined {
  if (!hasMethods(value, 'toKibibytes', 'asString')) {
    return `must be a Size such as Size.gibibytes(10), got ${show(value)}`;
  }
  let kib: number;
  try {
    kib = (value as { toKibibytes(o: { rounding: number }): number }).toKibibytes({ rounding: 2 });
  } catch {
    kib = Number.NaN;
  }
  return Number.isFinite(kib) && kib > 0 ? undefined : `must be a finite Size greater than zero, got ${show(value)}`;
}

/** Millicores of a CPU quantity (`250m`, `0.5`, `2`), or `undefined` when it is not one. */
export function cpuMillis(amount: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(amount);
  if (!match) {
    return undefined;
  }
  const value = Number(match[1]);
  return match[2] === 'm' ? value : value * 1000;
}

/** A cdk8s-plus `Cpu` greater than zero (`Cpu.millis(250)`); strings such as `"250m"` are refused. */
export function checkCpu(value: unknown): string | undefined {
  const amount = (value as { amount?: unknown } | undefined)?.amount;
  if (typeof value !== 'object' || value === null || typeof amount !== 'string') {
    return `must be a Cpu such as Cpu.millis(250), got ${show(value)}`;
  }
  const millis = cpuMillis(amount);
  return millis !== undefined && millis > 0 ? undefined : `must be a positive CPU quantity such as "250m", got ${JSON.stringify(amount)}`;
}

/**
 * A cdk8s `Duration` of a whole number of seconds from `minSeconds` (to `maxSeconds` when given); numbers
 * and strings such as `"5m"` are refused.
 */
export function checkTimeSpan(value: unknown, minSeconds = 1, maxSeconds?: number): string | undefined {
  if (!hasMethods(value, 'toSeconds', 'toHumanString')) {
    return `must be a Duration such as Duration.minutes(5), got ${show(value)}`;
  }
  let seconds: number;
  try {
    seconds = (value as { toSeconds(): number }).toSeconds();
  } catch {
    seconds = Number.NaN;
  }
  if (maxSeconds !== undefined) {
    return Number.isInteger(seconds) && seconds >= minSeconds && seconds <= maxSeconds
      ? undefined : `must be a whole number of seconds from ${minSeconds}s to ${maxSeconds}s, got ${show(value)}`;
  }
  return Number.isInteger(seconds) && seconds >= minSeconds
    ? undefined : `must be a whole number of seconds, at least ${minSeconds}s, got ${show(value)}`;
}

/** A cdk8s `Duration` of a whole number of days, at least one (`Duration.days(30)`); numbers and strings are refused. */
export function checkWholeDays(value: unknown): string | undefined {
  if (!hasMethods(value, 'toSeconds', 'toHumanString')) {
    return `must be a Duration of whole days such as Duration.days(30), got ${show(value)}`;
  }
  let seconds: number;
  try {
    seconds = (value as { toSeconds(): number }).toSeconds();
  } catch {
    seconds = Number.NaN;
  }
  return Number.isInteger(seconds) && seconds >= 86400 && seconds % 86400 === 0
    ? undefined : `must be a whole number of days, at least one, got ${show(value)}`;
}

/**
 * An IANA time zone as the Kubernetes CronJob controller reads it (`Europe/Berlin`, `Etc/UTC`): one the
 * runtime's `Intl` time-zone data knows, spelled with its capitals (the tz database is case-sensitive
 * on the nodes, `Intl` is not).
 */
export function checkTimeZone(value: unknown): string | undefined {
  const problem = `must be an IANA time zone such as "Europe/Berlin" or "UTC", got ${show(value)}`;
  if (typeof value !== 'string' || value.length === 0) {
    return problem;
  }
  if (!SUPPORTED_TIME_ZONES.has(value) && !ACCEPTED_ALIASES.has(value)) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
    } catch {
      return problem;
    }
    if (!value.split('/').every((part) => /^[A-Z]/.test(part))) {
      return problem;
    }
    ACCEPTED_ALIASES.add(value);
  }
  return undefined;
}

const SUPPORTED_TIME_ZONES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('timeZone'));

/** Aliases (`Etc/UTC`) `Intl` accepted: building a formatter to ask again costs more than every other check. */
const ACCEPTED_ALIASES = new Set<string>();

const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with the reserved `__`). */
export function checkPrometheusLabelName(value: unknown): string | undefined {
  if (typeof value !== 'string' || !PROMETHEUS_LABEL_NAME.test(value) || value.startsWith('__')) {
    return `must be a Prometheus label name (letters, digits and '_', not starting with a digit or "__"), got ${show(value)}`;
  }
  return undefined;
}

/** A Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function checkMetricName(value: unknown): string | undefined {
  return typeof value === 'string' && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(value)
    ? undefined : `must be a Prometheus metric name (letters, digits, '_' and ':', not starting with a digit), got ${show(value)}`;
}

// The OCI distribution reference grammar (github.com/distribution/reference, regexp.go).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/**
 * An image repository without tag or digest, as the OCI distribution reference grammar reads it
 * (`ghcr.io/acme/shop`, `registry:5000/team/app`): lower-case path, at most 255 characters.
 */
export function checkImageRepository(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `required: an image repository such as "ghcr.io/acme/shop", got ${show(value)}`;
  }
  const lastSlash = value.lastIndexOf('/');
  if (value.includes('@') || value.lastIndexOf(':') > lastSlash) {
    return `must be a repository without tag or digest (the tag is a separate field), got ${show(value)}`;
  }
  if (value.length > 255 || !REPOSITORY.test(value)) {
    return `must be an image repository such as "ghcr.io/acme/shop" (lower-case path components of letters, digits, '.', '_' and '-'), got ${show(value)}`;
  }
  return undefined;
}

/**
 * An image reference with its tag or digest (`repository:tag` or `repository@sha256:...`); with `pinned`,
 * only a semantic version or a digest.
 */
export function checkImageReference(value: unknown, pinned: boolean): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `required: an image reference such as "ghcr.io/acme/shop:v1.2.3", got ${show(value)}`;
  }
  const at = value.indexOf('@');
  const colon = value.lastIndexOf(':');
  const split = at >= 0 ? at : (colon > value.lastIndexOf('/') ? colon : -1);
  if (split < 0) {
    return `must name a tag or digest ("ghcr.io/acme/shop:v1.2.3"), got ${show(value)}`;
  }
  const repository = value.slice(0, split);
  if (checkImageRepository(repository) !== undefined) {
    return `must be an image reference such as "ghcr.io/acme/shop:v1.2.3" (lower-case repository), got ${show(value)}`;
  }
  const tag = value.slice(split + 1);
  const problem = checkImageTag(tag, pinned);
  return problem === undefined ? undefined : `${problem.replace(/, got .*$/, '')}, got ${show(value)}`;
}

const HEX_REVISION = /^[0-9a-f]{7,40}$/;

/**
 * A Git revision Argo CD can check out: a branch or tag name by `git check-ref-format`'s rules
 * (`main`, `release/1.2`, `v1.2.3`), `HEAD`, or a commit SHA.
 */
export function checkGitRevision(value: unknown): string | undefined {
  const problem = `must be a Git branch, tag or commit (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\\\', "@{", and no part starting with '.' or ending in ".lock"), got ${show(value)}`;
  if (typeof value !== 'string' || value.length === 0) {
    return problem;
  }
  if (HEX_REVISION.test(value) || value === 'HEAD') {
    return undefined;
  }
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.test(value) || value.includes('..') || value.includes('@{') || value === '@'
    || value.startsWith('/') || value.endsWith('/') || value.endsWith('.') || value.includes('//')
    || value.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  return bad ? problem : undefined;
}

/** A URL path: starts with `/`, no spaces. */
export function checkUrlPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/[^\s]*$/.test(value) ? undefined : `must be an absolute URL path starting with "/", got ${show(value)}`;
}

/** An absolute file-system path in a container: starts with `/`, no spaces, no `..`. */
export function checkAbsolutePath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/[^\s]*$/.test(value) && !value.split('/').includes('..')
    ? undefined : `must be an absolute path starting with "/" (no spaces, no ".."), got ${show(value)}`;
}

/** An https URL without a trailing slash. */
export function checkHttpsUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(value) && !value.endsWith('/')
    ? undefined : `must be an https URL without a trailing slash, got ${show(value)}`;
}

/** An http(s) URL. */
export function checkHttpUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value) ? undefined : `must be an http(s) URL, got ${show(value)}`;
}

/** Labels: a record of label keys to label values. */
export const checkLabels: Check = checkRecordOf(checkLabelKey, checkLabelValue);

/** Environment variable names as the kubelet accepts them (C identifiers, as shells read them). */
export function checkEnvName(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)
    ? undefined : `must be an environment variable name (letters, digits and '_', not starting with a digit), got ${show(value)}`;
}

/**
 * A Kubernetes object of `kind` as cdk8s-plus models it (`kplus.Secret.fromSecretName(...)`, a `Service`
 * construct), named `what` in the message.
 */
export function checkResourceOf(kind: string, what: string): Check {
  return (value) => {
    const v = value as { kind?: unknown; name?: unknown } | null;
    return typeof v === 'object' && v !== null && v.kind === kind && typeof v.name === 'string' ? undefined : `must be ${what}, got ${show(value)}`;
  };
}

/** A Secret reference (`kplus.Secret.fromSecretName(scope, id, name)`). */
export const checkSecret: Check = checkResourceOf('Secret', 'a Secret such as kplus.Secret.fromSecretName(scope, id, name)');

/** A ConfigMap. */
export const checkConfigMap: Check = checkResourceOf('ConfigMap', 'a ConfigMap such as new kplus.ConfigMap(...)');

/** A key of a Secret or ConfigMap (`[-._a-zA-Z0-9]+`, at most 253 characters). */
export function checkDataKey(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && value !== '..'
    ? undefined : `must be a Secret or ConfigMap key (letters, digits, '-', '_', '.'), got ${show(value)}`;
}

/** A non-empty label value: `app.kubernetes.io/part-of`, `component`, `team` and other names that become labels. */
export function checkLabelName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? checkLabelValue(value) : `required: a label value (at most 63 characters: letters, digits, '-', '_', '.'), got ${show(value)}`;
}

/** A list of strings each passing `item`. */
export function checkStrings(item: Check = checkString): Check {
  return checkArrayOf(item);
}

/** An integer from `min` to `max`, as a reusable {@link Check}. */
export function integer(min: number, max?: number): Check {
  return (value) => checkInteger(value, min, max);
}

/** One of `allowed`, as a reusable {@link Check}. */
export function oneOf<T extends string>(allowed: readonly T[]): Check {
  return (value) => checkOneOf(value, allowed);
}

/** A cdk8s `Cron` (`Cron.schedule({ minute: '0', hour: '2' })`); a plain string is refused. */
export function checkCronObject(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { expressionString?: unknown }).expressionString === 'string'
    ? undefined : `must be a Cron such as Cron.schedule({ minute: '0', hour: '2' }), got ${show(value)}`;
}

/** A workload a HorizontalPodAutoscaler can scale: a cdk8s-plus `Deployment` or `StatefulSet`. */
export function checkScalableWorkload(value: unknown): string | undefined {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof value === 'object' && value !== null && (kind === 'Deployment' || kind === 'StatefulSet')
    ? undefined : `must be a cdk8s-plus Deployment or StatefulSet, got ${show(value)}`;
}

/** Environment variables: names to plain string values. */
export const checkEnv: Check = checkRecordOf(checkEnvName, checkString);
