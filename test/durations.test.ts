import { Duration } from 'cdk8s';
import { checkNonNegativeDuration, checkPositiveDuration, durationSeconds, formatPrometheusDuration, parsePrometheusDuration } from '../lib/core/durations';

describe('Prometheus durations', () => {
  test.each([
    ['0', 0], ['0s', 0], ['30s', 30], ['5m', 300], ['5m0s', 300], ['1h30m', 5400], ['1d12h', 129600], ['2w', 1209600],
    ['1y', 31536000], ['1h0m0s', 3600], ['500ms', 0.5], ['1s500ms', 1.5], ['1y2w3d4h5m6s7ms', 31536000 + 1209600 + 259200 + 14400 + 300 + 6.007],
  ] as const)('accepts %s as Prometheus does (%d s)', (text, seconds) => {
    expect(durationSeconds(text)).toBeCloseTo(seconds, 6);
  });

  test.each(['', '5', '1m1h', '1h1h', '5 minutes', '-5m', '1.5h', '5M', ' 5m'])('rejects %j as Prometheus does', (text) => {
    expect(parsePrometheusDuration(text)).toBeUndefined();
  });

  test('reads cdk8s Durations as they are', () => {
    expect(durationSeconds(Duration.minutes(90))).toBe(5400);
    expect(durationSeconds(Duration.millis(1500))).toBe(1.5);
  });

  test('formats a Duration or a number of seconds in the same one form', () => {
    expect([Duration.days(30), Duration.hours(36), Duration.minutes(90), Duration.seconds(15), Duration.millis(1500)].map((d) => formatPrometheusDuration(d)))
      .toEqual(['30d', '1d12h', '1h30m', '15s', '1s500ms']);
    expect([86400, 3600, 90, 0, 0.5].map((s) => formatPrometheusDuration(s))).toEqual(['1d', '1h', '1m30s', '0s', '500ms']);
  });

  test('writes a Duration as Prometheus does, largest units first, weeks and years in days', () => {
    const cases: Array<[Duration, string]> = [
      [Duration.days(30), '30d'], [Duration.days(7), '7d'], [Duration.days(365), '365d'], [Duration.hours(1), '1h'], [Duration.minutes(5), '5m'],
      [Duration.minutes(90), '1h30m'], [Duration.hours(36), '1d12h'], [Duration.seconds(90), '1m30s'], [Duration.millis(1500), '1s500ms'], [Duration.seconds(0), '0s'],
    ];
    expect(cases.map(([d]) => formatPrometheusDuration(d))).toEqual(cases.map(([, text]) => text));
    for (const [d, text] of cases) {
      expect(durationSeconds(text)).toBe(d.toMilliseconds() / 1000);
    }
  });

  test('a Duration prop rejects what a JavaScript caller might pass instead', () => {
    expect(checkPositiveDuration(Duration.days(1))).toBeUndefined();
    expect(checkPositiveDuration('30d')).toBe('must be a positive Duration such as Duration.days(30), got "30d"');
    expect(checkPositiveDuration(Duration.seconds(0))).toBe('must be a positive Duration such as Duration.days(30), got 0s');
    expect(checkPositiveDuration(undefined, 'Duration.seconds(15)')).toBe('must be a positive Duration such as Duration.seconds(15), got nothing');
  });

  test('a time from the start of a test may be zero, but must be a whole-millisecond Duration', () => {
    expect(checkNonNegativeDuration(Duration.seconds(0))).toBeUndefined();
    expect(checkNonNegativeDuration(Duration.hours(19))).toBeUndefined();
    expect(checkNonNegativeDuration('10m')).toBe('must be a Duration of zero or more such as Duration.minutes(10), got "10m"');
    expect(checkNonNegativeDuration(Duration.millis(0.5))).toBe('must be a Duration of zero or more such as Duration.minutes(10), got 0.0005s');
    expect(checkNonNegativeDuration(600, 'Duration.hours(1)')).toBe('must be a Duration of zero or more such as Duration.hours(1), got 600');
  });
});
