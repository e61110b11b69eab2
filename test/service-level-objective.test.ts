import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { ServiceLevelObjective, ServiceLevelObjectiveProps } from '../lib/alerting/service-level-objective';
import { testChart, nonEmpty } from './helpers';

const AVAILABILITY: ServiceLevelObjectiveProps = {
  name: 'availability', objectivePercent: 99.9, window: '30d', team: 'platform', description: 'requests succeed',
  ratio: {
    good: 'http_requests_total{status!~"5.."}', total: 'http_requests_total',
    testSeries: { good: 'http_requests_total{status="200"}', bad: 'http_requests_total{status="500"}' },
  },
};

describe('ServiceLevelObjective', () => {
  test('computes the workbook burn rates from a 30-day window and prints exact thresholds', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', AVAILABILITY);
    expect(slo.errorBudget).toBe('0.001');
    expect(slo.burnRateAlerts.map((a) => [a.tier.longWindow, a.tier.shortWindow, a.factor, a.threshold, a.rule.severity])).toEqual([
      ['1h', '5m', '14.4', '0.0144', 'critical'],
      ['6h', '30m', '6', '0.006', 'critical'],
      ['1d', '2h', '3', '0.003', 'warning'],
      ['3d', '6h', '1', '0.001', 'warning'],
    ]);
    expect(slo.burnRateAlerts[0].rule.expr).toBe('slo:error_ratio:rate1h{slo="availability"} > 0.0144\nand\nslo:error_ratio:rate5m{slo="availability"} > 0.0144');
  });

  test('keeps the workbook burn rates for a 7-day window, so no tier fires while the budget is on track', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', {
      ...AVAILABILITY, name: 'latency_p95', objectivePercent: 95, window: '7d', ratio: undefined,
      latency: { histogram: 'http_request_duration_seconds', matchers: 'namespace="ecommerce"', thresholdSeconds: 0.5 },
    });
    expect(slo.errorBudget).toBe('0.05');
    expect(slo.burnRateAlerts.map((a) => [a.factor, a.threshold])).toEqual([
      ['14.4', '0.72'], ['6', '0.3'], ['3', '0.15'], ['1', '0.05'],
    ]);
    expect(slo.burnRateAlerts[0].rule.description).toContain('at this rate 8.57% of the 7d budget is gone within 1h');
  });

  test('rounds only non-terminating factors, to four significant digits', () => {
    const slo = new ServiceLevelObjective(testChart(), 'Slo', {
      ...AVAILABILITY, tiers: [{ notification: 'ticket', longWindow: '7h', shortWindow: '35m', budgetConsumedPercent: 10 }],
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
    expect(slo.errorRatioRules.map((r) => r.window)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(slo.errorRatioRules[0].selector).toBe('slo:error_ratio:rate5m{slo="availability"}');
    expect(slo.errorBudgetRemainingRule.selector).toBe('slo:error_budget_remaining:ratio{slo="availability"}');
    const group = AlertCatalogue.of(chart).groups().find((g) => g.name === 'slo-availability')!;
    expect(group.recordingRules[0].expr).toBe('1 - (\n  (sum(rate(http_requests_total{status!~"5.."}[5m])) or vector(0))\n  /\n  (sum(rate(http_requests_total[5m])) > 0)\n)');
    expect(group.recordingRules.at(-1)!.expr).toBe('1 - slo:error_ratio:rate30d{slo="availability"} / 0.001');
  });

  test('counts latency from the bucket at the threshold, matching whole seconds in either le format', () => {
    const chart = testChart();
    new ServiceLevelObjective(chart, 'Slo', {
      ...AVAILABILITY, name: 'orders', objectivePercent: 95, window: '7d', ratio: undefined,
      latency: { histogram: 'order_processing_duration_seconds', matchers: 'namespace="ecommerce"', thresholdSeconds: 30 },
    });
    const expr = AlertCatalogue.of(chart).groups()[0].recordingRules[0].expr;
    expect(expr).toContain('sum(rate(order_processing_duration_seconds_bucket{namespace="ecommerce",le=~"30(\\\\.0)?"}[5m]))');
    expect(expr).toContain('sum(rate(order_processing_duration_seconds_count{namespace="ecommerce"}[5m])) > 0');
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
    expect(fast[0].firing).toEqual([{ at: '12m', labels: { slo: 'availability' } }]);
  });

  test('rejects a missing or doubled SLI, a bad objective and a tier longer than the window', () => {
    const make = (props: Partial<ServiceLevelObjectiveProps>) => () => new ServiceLevelObjective(testChart(), 'Slo', { ...AVAILABILITY, ...props });
    expect(make({ ratio: undefined })).toThrow('[test/Slo] ratio: exactly one of ratio and latency is required');
    expect(make({ objectivePercent: 100 })).toThrow('[test/Slo] objectivePercent: must be a percentage between 0 and 100 (exclusive), got 100');
    expect(make({ window: '2d' })).toThrow('[test/Slo] tiers[3].longWindow: must be shorter than the SLO window (2d), got "3d"');
    expect(make({ name: 'Availability' })).toThrow('[test/Slo] name: must be lower_snake_case, got "Availability"');
  });
});
