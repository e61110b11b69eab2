/**
 * Durations at the Prometheus edge: parsing what Prometheus accepts (`30s`, `1h30m`, `5m0s`, `0`) and
 * formatting a cdk8s `Duration` (or seconds) the way rule files, flags and promtool tests write them.
 */
import { Duration } from 'cdk8s';
import { show } from './errors';

/** Milliseconds per unit, in the order Prometheus requires them (largest first, each at most once). */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 86400000], ['w', 7 * 86400000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1],
];
/** Prometheus' `model.ParseDuration`: units largest first, each at most once, or a bare `0`. */
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Milliseconds of a Prometheus duration string, or `undefined` when Prometheus would reject it.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration
 */
export function parsePrometheusDuration(value: unknown): number | undefined {
  if (value === '0') {
    return 0;
  }
  const match = typeof value === 'string' && value !== '' ? PROMETHEUS_DURATION.exec(value) : null;
  if (match === null) {
    return undefined;
  }
  return UNITS.reduce((total, [, ms], i) => total + (match[i + 1] === undefined ? 0 : Number(match[i + 1]) * ms), 0);
}

/** Seconds of a `Duration` or a Prometheus duration string, or `undefined` when it is neither. */
export function durationSeconds(value: unknown): number | undefined {
  if (value instanceof Duration) {
    return value.toMilliseconds() / 1000;
  }
  const ms = parsePrometheusDuration(value);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * A cdk8s `Duration` (or a number of seconds) as Prometheus writes a duration, largest units first and each
 * at most once, in days, hours, minutes, seconds and milliseconds (`Duration.days(30)` -> `30d`,
 * `Duration.minutes(90)` -> `1h30m`, `Duration.days(7)` -> `7d`, `90` -> `1m30s`, zero -> `0s`): the one
 * form of rule files, flags, Prometheus configuration and promtool tests. Weeks and years are written in
 * days, so a 7-day window reads `7d`, not `1w`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration
 */
export function formatPrometheusDuration(value: Duration | number): string {
  let ms = Math.round(value instanceof Duration ? value.toMilliseconds() : value * 1000);
  if (ms === 0) {
    return '0s';
  }
  let text = '';
  for (const [unit, size] of UNITS.filter(([u]) => u !== 'y' && u !== 'w')) {
    if (ms >= size) {
      text += `${Math.floor(ms / size)}${unit}`;
      ms %= size;
    }
  }
  return text;
}

/** A positive cdk8s `Duration` of whole milliseconds, as a reusable check; `example` shows the expected form. */
export function positiveDuration(example: string): (value: unknown) => string | undefined {
  return (value) => checkPositiveDuration(value, example);
}

/** `undefined` for a positive cdk8s `Duration`, otherwise the problem (a JavaScript caller may pass anything). */
export function checkPositiveDuration(value: unknown, example = 'Duration.days(30)'): string | undefined {
  const ms = value instanceof Duration ? value.toMilliseconds({ integral: false }) : NaN;
  if (Number.isInteger(ms) && ms > 0) {
    return undefined;
  }
  return `must be a positive Duration such as ${example}, got ${value instanceof Duration ? `${ms / 1000}s` : show(value)}`;
}

/**
 * A cdk8s `Duration` of zero or more whole milliseconds (a time from the start of a test's series may be
 * zero), as a reusable check; `example` shows the expected form.
 */
export function nonNegativeDuration(example: string): (value: unknown) => string | undefined {
  return (value) => checkNonNegativeDuration(value, example);
}

/** `undefined` for a cdk8s `Duration` of zero or more whole milliseconds, otherwise the problem. */
export function checkNonNegativeDuration(value: unknown, example = 'Duration.minutes(10)'): string | undefined {
  const ms = value instanceof Duration ? value.toMilliseconds({ integral: false }) : NaN;
  if (Number.isInteger(ms) && ms >= 0) {
    return undefined;
  }
  return `must be a Duration of zero or more such as ${example}, got ${value instanceof Duration ? `${ms / 1000}s` : show(value)}`;
}
