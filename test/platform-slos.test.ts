import { PlatformSlos } from '../lib/laravel/platform-slos';
import { formatPrometheusDuration as p } from '../lib/core/durations';
import { testChart } from './helpers';

describe('PlatformSlos', () => {
  test('ships the seed\'s four SLOs with their objectives and windows', () => {
    const slos = new PlatformSlos(testChart(), 'Slos', { appNamespace: 'ecommerce' });
    expect(slos.all().map((s) => [s.sloName, s.objective, s.errorBudget, p(s.errorBudgetRemainingRule.window)])).toEqual([
      ['availability', '0.999', '0.001', '30d'],
      ['latency_p95', '0.95', '0.05', '7d'],
      ['payment_success_rate', '0.995', '0.005', '30d'],
      ['order_processing_time_p95', '0.95', '0.05', '7d'],
    ]);
  });

  test('names the recording rules an SLO dashboard plots', () => {
    const series = new PlatformSlos(testChart(), 'Slos', { appNamespace: 'ecommerce' }).dashboardSeries();
    expect(series[2].errorBudgetRemaining.selector).toBe('slo:error_budget_remaining:ratio{slo="payment_success_rate"}');
    expect(series[2].errorRatio.map((r) => r.selector)).toContain('slo:error_ratio:rate30d{slo="payment_success_rate"}');
    expect(series.map((s) => [p(s.window), s.errorRatio.length])).toEqual([['30d', 8], ['7d', 7], ['30d', 8], ['7d', 7]]);
  });

  test('counts latency under 500 ms from the le="0.5" bucket', () => {
    const slos = new PlatformSlos(testChart(), 'Slos', { appNamespace: 'ecommerce' });
    expect(slos.latency.burnRateAlerts[0].rule.tests![0].series[0].series).toBe('http_request_duration_seconds_bucket{namespace="ecommerce",le="0.5"}');
  });
});
