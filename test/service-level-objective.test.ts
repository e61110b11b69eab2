import { Duration } from 'cdk8s';
import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { formatPrometheusDuration as p } from '../lib/core/durations';
import { BURN_RATE_WINDOW_CATALOGUES, ServiceLevelObjective, ServiceLevelObjectiveProps } from '../lib/alerting/service-level-objective';
import { testChart, nonEmpty } from './helpers';

const AVAILABILITY: ServiceLevelObjectiveProps = {
  name: 'availability', objectivePercent: 99.9, window: Duration.days(30), team: 'platform', description: 'requests succeed',
  ratio: {
    good: 'http_requests_total{status!~"5.."}', total: 'http_requests_total',
    testSeries: { good: 'http_requests_total{status="200"}', bad: 'http_requests_total{status="500"}' },
  },
};

describe('ServiceLevelObjective', () => {
  test('computes the workbook burn rates from a 30-day window and prints exact thresholds', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', AVAILABILITY);
    expect(slo.errorBudget).toBe('0.001');
    expect(slo.burnRateAlerts.map((a) => [p(a.tier.longWindow), p(a.tier.shortWindow), a.factor, a.threshold, a.rule.severity])).toEqual([
      ['1h', '5m', '14.4', '0.0144', 'critical'],
      ['6h', '30m', '6', '0.006', 'critical'],
      ['1d', '2h', '3', '0.003', 'warning'],
      ['3d', '6h', '1', '0.001', 'warning'],
    ]);
    expect(slo.burnRateAlerts[0].rule.expr).toBe('slo:error_ratio:rate1h{slo="availability"} > 0.0144\nand\nslo:error_ratio:rate5m{slo="availability"} > 0.0144');
  });

  test('computes a 7-day SLO\'s factors from its own period and catalogue, with a ticket that still burns above 1x', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', {
      ...AVAILABILITY, name: 'latency_p95', objectivePercent: 95, window: Duration.days(7), ratio: undefined,
      latency: { histogram: 'http_request_duration_seconds', matchers: 'namespace="ecommerce"', threshold: Duration.millis(500) },
    });
    expect(slo.errorBudget).toBe('0.05');
    expect(slo.burnRateAlerts.map((a) => [p(a.tier.longWindow), p(a.tier.shortWindow), a.factor, a.threshold, a.rule.severity])).toEqual([
      ['1h', '5m', '3.36', '0.168', 'critical'],
      ['6h', '30m', '1.4', '0.07', 'critical'],
      ['1d', '2h', '1.05', '0.0525', 'warning'],
    ]);
    expect(slo.burnRateAlerts[0].rule.description).toContain('at this rate 2% of the 7d budget is gone within 1h');
  });

  test('every catalogue: page at 2 % / 5 % of the budget in 1 h / 6 h, and every factor at least 1', () => {
    expect(Object.keys(BURN_RATE_WINDOW_CATALOGUES).sort()).toEqual(['30d', '7d']);
    for (const [period, tiers] of nonEmpty(Object.entries(BURN_RATE_WINDOW_CATALOGUES), 'window catalogue')) {
      const slo = new ServiceLevelObjective(testChart(), 'Slo', { ...AVAILABILITY, window: Duration.days(Number(period.replace(/d$/, ''))) });
      expect(tiers.filter((t) => t.notification === 'page').map((t) => [p(t.longWindow), t.budgetConsumedPercent])).toEqual([['1h', 2], ['6h', 5]]);
      expect(slo.burnRateAlerts.length).toBeGreaterThan(0);
      for (const alert of nonEmpty(slo.burnRateAlerts, 'burn-rate alert')) {
        expect([period, p(alert.tier.longWindow), Number(alert.factor) >= 1]).toEqual([period, p(alert.tier.longWindow), true]);
      }
    }
  });

  test('rejects a period without a window catalogue unless tiers are given', () => {
    expect(() => new ServiceLevelObjective(testChart(), 'Slo', { ...AVAILABILITY, window: Duration.days(14) }))
      .toThrow('[test/Slo] window: no burn-rate window catalogue for a 14d period (known: 30d, 7d); pass tiers for this period, got Duration 14 days');
    expect(() => new ServiceLevelObjective(testChart(), 'Slo', {
      ...AVAILABILITY, window: Duration.days(14), tiers: [{ notification: 'page', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), budgetConsumedPercent: 2 }],
    })).not.toThrow();
  });

  test('rounds only non-terminating factors, to four significant digits', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', {
      ...AVAILABILITY, tiers: [{ notification: 'ticket', longWindow: Duration.hours(7), shortWindow: Duration.minutes(35), budgetConsumedPercent: 10 }],
    });
    expect(slo.burnRateAlerts.map((a) => a.factor)).toEqual(['10.29']);
  });

  test('carries stable tier labels for routing and inhibition', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', AVAILABILITY);
    expect(slo.burnRateAlerts.map((a) => [a.rule.alert, a.rule.labels])).toEqual([
      ['ErrorBudgetBurnAvailabilityPage1h', { slo: 'availability', long_window: '1h', short_window: '5m', notification: 'page' }],
      ['ErrorBudgetBurnAvailabilityPage6h', { slo: 'availability', long_window: '6h', short_window: '30m', notification: 'page' }],
      ['ErrorBudgetBurnAvailabilityTicket1d', { slo: 'availability', long_window: '1d', short_window: '2h', notification: 'ticket' }],
      ['ErrorBudgetBurnAvailabilityTicket3d', { slo: 'availability', long_window: '3d', short_window: '6h', notification: 'ticket' }],
    ]);
  });

  test('records the error ratio for every window and the remaining budget, and names them for dashboards', () => {
    const chart = testChart();
    const slo = new ServiceLevelObjective(chart, 'Slo', AVAILABILITY);
    expect(slo.errorRatioRules.map((r) => p(r.window))).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(slo.errorRatioRules[0].selector).toBe('slo:error_ratio:rate5m{slo="availability"}');
    expect(slo.errorBudgetRemainingRule.selector).toBe('slo:error_budget_remaining:ratio{slo="availability"}');
    const group = AlertCatalogue.of(chart).groups().find((g) => g.name === 'slo-availability')!;
    const expr = (record: string) => group.recordingRules.find((r) => r.record === record)!.expr;
    expect(expr('slo:error_ratio:rate5m')).toBe('1 - (\n  (sum(rate(http_requests_total{status!~"5.."}[5m])) or vector(0))\n  /\n  (sum(rate(http_requests_total[5m])) > 0)\n)');
    expect(expr('slo:events:rate5m')).toBe('sum(rate(http_requests_total[5m]))');
    expect(expr('slo:bad_events:rate5m')).toBe('sum(rate(http_requests_total[5m])) - (sum(rate(http_requests_total{status!~"5.."}[5m])) or vector(0))');
    expect(group.recordingRules.at(-1)!.expr).toBe('1 - slo:error_ratio:rate30d{slo="availability"} / 0.001');
  });

  test('computes windows of a day and longer from the recorded 5-minute rates, never from raw samples', () => {
    const chart = testChart();
    new ServiceLevelObjective(chart, 'Slo', AVAILABILITY);
    const group = AlertCatalogue.of(chart).groups().find((g) => g.name === 'slo-availability')!;
    const long = group.recordingRules.filter((r) => ['slo:error_ratio:rate1d', 'slo:error_ratio:rate3d', 'slo:error_ratio:rate30d'].includes(r.record));
    expect(long.map((r) => r.expr)).toEqual(['1d', '3d', '30d'].map((w) =>
      `sum_over_time(slo:bad_events:rate5m{slo="availability"}[${w}])\n/\n(sum_over_time(slo:events:rate5m{slo="availability"}[${w}]) > 0)`));
    for (const rule of nonEmpty(long, 'long-window SLI rule')) {
      expect(rule.expr).not.toContain('http_requests_total');
    }
    // ... and a promtool test compares each of them with the raw computation.
    const [accuracy] = group.recordingTests;
    expect(accuracy.name).toBe('recorded windows match the raw ratio within 1% across a change of traffic and error ratio');
    expect(accuracy.expectations.map((e) => p(e.at))).toEqual(['19h', '19h', '19h', '1d2h', '1d2h', '1d2h']);
    expect(accuracy.expectations[0].expr).toContain('abs(sum(slo:error_ratio:rate1d{slo="availability"}) - (1 - (sum(rate(http_requests_total{status!~"5.."}[1d])) or vector(0))');
  });

  test('counts latency from the bucket at the threshold, matching whole seconds in either le format', () => {
    const chart = testChart();
    new ServiceLevelObjective(chart, 'Slo', {
      ...AVAILABILITY, name: 'orders', objectivePercent: 95, window: Duration.days(7), ratio: undefined,
      latency: { histogram: 'order_processing_duration_seconds', matchers: 'namespace="ecommerce"', threshold: Duration.seconds(30) },
    });
    const expr = AlertCatalogue.of(chart).groups()[0].recordingRules[0].expr;
    expect(expr).toBe('sum(rate(order_processing_duration_seconds_count{namespace="ecommerce"}[5m]))');
    const bad = AlertCatalogue.of(chart).groups()[0].recordingRules[1].expr;
    expect(bad).toContain('sum(rate(order_processing_duration_seconds_bucket{namespace="ecommerce",le=~"30(\\\\.0)?"}[5m]))');

  });

  test('tests every tier: a burn above the threshold fires, below and stopped bursts stay silent', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', AVAILABILITY);
    for (const { rule } of nonEmpty(slo.burnRateAlerts, 'burn-rate alert')) {
      expect(rule.tests!.map((t) => [t.firing?.length ?? 0, t.silentAt?.length ?? 0])).toEqual([[1, 0], [0, 1], [0, 1]]);
    }
    const fast = slo.burnRateAlerts[0].rule.tests!;
    // 1.25 x 0.0144 = 1.8 % of 60000 requests per minute.
    expect(fast[0].series).toEqual([
      { series: 'http_requests_total{status="200"}', values: '0+58920x12' },
      { series: 'http_requests_total{status="500"}', values: '0+1080x12' },
    ]);
    expect(fast[0].firing!.map((f) => ({ ...f, at: p(f.at) }))).toEqual([{ at: '12m', labels: { slo: 'availability' } }]);
  });

  test('rejects a missing or doubled SLI, a bad objective, a tier longer than the window and windows that are not Durations', () => {
    const make = (props: Partial<ServiceLevelObjectiveProps>) => () => new ServiceLevelObjective(testChart(), 'Slo', { ...AVAILABILITY, ...props });
    expect(make({ ratio: undefined })).toThrow('[test/Slo] ratio: exactly one of ratio and latency is required');
    expect(make({ objectivePercent: 100 })).toThrow('[test/Slo] objectivePercent: must be a percentage between 0 and 100 (exclusive), got 100');
    expect(make({ window: Duration.days(2), tiers: [{ notification: 'ticket', longWindow: Duration.days(3), shortWindow: Duration.hours(6), budgetConsumedPercent: 10 }] }))
      .toThrow('[test/Slo] tiers[0].longWindow: must be shorter than the SLO window (2d), got Duration 3 days');
    expect(make({ window: '30d' as never })).toThrow('[test/Slo] window: must be a positive Duration such as Duration.days(30), got "30d"');
    expect(make({ tiers: [{ notification: 'page', longWindow: '1h' as never, shortWindow: Duration.minutes(5), budgetConsumedPercent: 2 }] }))
      .toThrow('[test/Slo] tiers[0].longWindow: must be a positive Duration such as Duration.hours(1), got "1h"');
    expect(make({ window: Duration.millis(90500), tiers: [{ notification: 'page', longWindow: Duration.minutes(1), shortWindow: Duration.seconds(5), budgetConsumedPercent: 2 }] }))
      .toThrow('[test/Slo] window: must be a whole number of seconds, got Duration 90500 millis');
    const ninetyMinutes = make({ window: Duration.minutes(90), tiers: [{ notification: 'page', longWindow: Duration.minutes(30), shortWindow: Duration.minutes(5), budgetConsumedPercent: 2 }] })();
    expect(ninetyMinutes.errorRatioRules.at(-1)!.selector).toBe('slo:error_ratio:rate1h30m{slo="availability"}');
    expect(make({ name: 'Availability' })).toThrow('[test/Slo] name: must be lower_snake_case, got "Availability"');
  });
});
