/** Prometheus durations (`30s`, `5m`, `1h`, `1d`), as rule files and promtool tests write them. */

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const DURATION = /^(\d+)(ms|s|m|h|d|w|y)$/;

/** Seconds of a single-unit Prometheus duration, or `undefined` when it is not one. */
export function durationSeconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  return match === null ? undefined : Number(match[1]) * UNITS[match[2]];
}

/** `undefined` for a valid single-unit duration (`5m`), otherwise the problem. */
export function checkDuration(value: unknown): string | undefined {
  const seconds = durationSeconds(value);
  return seconds !== undefined && seconds > 0
    ? undefined
    : `must be a Prometheus duration such as "30s", "5m" or "1h", got ${JSON.stringify(value)}`;
}

/** The shortest single-unit duration for whole seconds (`3600` -> `1h`, `90` -> `90s`). */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    if (seconds % UNITS[unit] === 0) {
      return `${seconds / UNITS[unit]}${unit}`;
    }
  }
  return `${seconds}s`;
}
