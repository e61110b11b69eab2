/**
 * Builders for promtool unit-test cases, so that test inputs follow the thresholds they exercise instead
 * of hard-coding numbers that silently stop testing anything when a threshold changes.
 */
import { Duration } from 'cdk8s';
import { AlertTestCase, AlertTestSeries } from './alert-catalogue';
import { durationSeconds, formatPrometheusDuration } from '../core/durations';

/** Samples per series in a test: enough for the longest `for` plus evaluation slack. */
export function sampleCount(forDuration: Duration | undefined, extraMinutes = 5): number {
  return Math.ceil((forDuration === undefined ? 0 : durationSeconds(forDuration)!) / 60) + extraMinutes;
}

/** A number as promtool reads it, without float noise (`0.1 + 0.2` prints `0.3`). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A gauge held at `value` for `samples` minutes. */
export function gauge(series: string, value: number, samples: number): AlertTestSeries {
  return { series, values: `${num(value)}x${samples}` };
}

/** A counter growing by `perMinute` each minute for `samples` minutes. */
export function counter(series: string, perMinute: number, samples: number): AlertTestSeries {
  return { series, values: `0+${num(perMinute)}x${samples}` };
}

/** Times around `for`: silent half-way through it, firing `afterMinutes` past it (plus `onset`). */
export function forTimes(forDuration: Duration | undefined, onsetSeconds: number, afterMinutes = 1): { silent: Duration; fires: Duration } {
  const forSeconds = forDuration === undefined ? 0 : durationSeconds(forDuration)!;
  return {
    silent: Duration.seconds(Math.max(30, onsetSeconds + Math.floor(forSeconds / 60 / 2) * 60)),
    fires: Duration.seconds(onsetSeconds + forSeconds + afterMinutes * 60),
  };
}

/**
 * The two cases every threshold alert gets: a bad input that stays silent until `for` has passed and
 * fires after it, and a healthy input that never fires.
 *
 * `onsetSeconds` is when the condition first holds: 0 for a gauge; 60 for a ratio of two `rate()`s over
 * 1-minute samples (it needs two, and the extrapolation cancels out); the whole range (300 for `[5m]`)
 * for a `rate()` compared with a constant, which reads low until its range is filled.
 */
export function thresholdCases(options: {
  readonly what: string;
  readonly for?: Duration;
  readonly onsetSeconds: number;
  readonly bad: AlertTestSeries[];
  readonly healthy: AlertTestSeries[];
  readonly labels?: Record<string, string>;
}): AlertTestCase[] {
  const times = forTimes(options.for, options.onsetSeconds);
  return [
    {
      name: `${options.what}: silent until for (${options.for === undefined ? '0s' : formatPrometheusDuration(options.for)}) has passed, then fires`,
      series: options.bad,
      silentAt: options.for !== undefined ? [times.silent] : undefined,
      firing: [{ at: times.fires, labels: options.labels }],
    },
    {
      name: `${options.what}: healthy input never fires`,
      series: options.healthy,
      silentAt: [times.fires],
    },
  ];
}
