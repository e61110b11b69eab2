import { Duration } from 'cdk8s';
import { blueGreenDashboard, placeholderSlos, platformDashboard, sloDashboard } from '../lib/laravel/platform-dashboards';
import { promqlErrors } from './promql';
import { nonEmpty } from './helpers';

const scope = { namespace: 'ecommerce', appName: 'laravel' };
const dashboards = [platformDashboard(scope), blueGreenDashboard(scope), sloDashboard(placeholderSlos('ecommerce'))];

describe('shipped dashboards', () => {
  test('the production dashboard has seed 000\'s ten panels, titles and queries', () => {
    const d = platformDashboard(scope);
    const panels = d.panels.filter((p) => p.type !== 'row');
    expect(panels.map((p) => p.title)).toEqual([
      'Request Rate (req/s)', 'Response Time (p95)', 'Error Rate (%)', 'Database Query Count per Request', 'Active Pods',
      'Pod CPU Usage', 'Pod Memory Usage', 'Redis Operations Rate', 'Queue Job Processing Rate', 'Failed Jobs (last hour)',
    ]);
    expect(d.title).toBe('Laravel E-Commerce Platform - Production Metrics');
    expect(d.expressions().find((e) => e.panel === 'Error Rate (%)')!.expr)
      .toBe('100 * (rate(http_requests_total{namespace="ecommerce",status=~"5.."}[5m]) / rate(http_requests_total{namespace="ecommerce"}[5m]))');
    expect(d.expressions().find((e) => e.panel === 'Pod CPU Usage')!.expr)
      .toBe('sum(rate(container_cpu_usage_seconds_total{namespace="ecommerce",pod=~"laravel.*"}[5m])) by (pod)');
    const failed = panels.find((p) => p.title === 'Failed Jobs (last hour)')!;
    expect(failed.type).toBe('stat');
    expect((failed.fieldConfig as { defaults: { thresholds: unknown } }).defaults.thresholds)
      .toEqual({ mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'yellow', value: 10 }, { color: 'red', value: 100 }] });
    expect(panels.filter((p) => p.type === 'timeseries')).toHaveLength(8);
  });

  test.each(dashboards.map((d) => [d.uid, d] as const))('%s: every PromQL expression parses', (_uid, d) => {
    for (const { panel, expr } of nonEmpty(d.expressions(), 'panel expression')) {
      expect([panel, expr, promqlErrors(expr)]).toEqual([panel, expr, []]);
    }
  });

  test.each(dashboards.map((d) => [d.uid, d] as const))('%s: panel ids are unique and panels do not overlap', (_uid, d) => {
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of nonEmpty(d.panels, 'panel')) {
      const g = p.gridPos as { x: number; y: number; w: number; h: number };
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  test('the blue/green dashboard splits traffic and errors by colour', () => {
    const exprs = blueGreenDashboard(scope).expressions().map((e) => e.expr);
    expect(exprs[0]).toBe('sum by (environment) (rate(http_requests_total{namespace="ecommerce",app="laravel"}[5m]))');
    expect(exprs[1]).toContain('status=~"5.."');
  });

  test('the SLO dashboard has a row per SLO with compliance, budget and error ratio', () => {
    const d = sloDashboard(placeholderSlos('ecommerce'));
    expect(d.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Availability: 99.9% over 30d', 'Latency p95 500ms: 95% over 7d', 'Payment success: 99.5% over 30d', 'Order processing p95 30s: 95% over 7d',
    ]);
    const compliance = d.panels.find((p) => p.title === 'Availability compliance (30d)')!;
    expect(compliance.type).toBe('stat');
    expect(compliance.type === 'row' ? undefined : compliance.fieldConfig?.defaults.thresholds?.steps[1]).toEqual({ color: 'green', value: 0.999 });
    expect(placeholderSlos('ecommerce')[1].errorRatioExpr).toContain('le="0.5"');
    expect(placeholderSlos('ecommerce')[0].budgetRemainingExpr).toMatch(/\/ 0\.001$/);
  });

  test('the SLO dashboard takes any typed SLO list', () => {
    const d = sloDashboard([{ name: 'Checkout', objectivePercent: 99, window: Duration.days(28), errorRatioExpr: 'slo:checkout:error_ratio28d', budgetRemainingExpr: 'slo:checkout:budget_remaining' }]);
    expect(d.expressions().map((e) => e.expr)).toEqual(['1 - (slo:checkout:error_ratio28d)', 'slo:checkout:budget_remaining', 'slo:checkout:error_ratio28d']);
  });

  test('rejects an SLO objective outside (0, 100), duplicate SLO names and a window that is not a Duration', () => {
    const slo = { name: 'X', objectivePercent: 100, window: Duration.days(30), errorRatioExpr: 'a', budgetRemainingExpr: 'b' };
    expect(() => sloDashboard([slo])).toThrow('[dashboard "ecommerce-slos"] slo "X".objectivePercent: must be between 0 and 100 (exclusive), got 100');
    expect(() => sloDashboard([{ ...slo, objectivePercent: 99 }, { ...slo, objectivePercent: 99 }])).toThrow('[dashboard "ecommerce-slos"] slo "X": declared twice');
    expect(() => sloDashboard([{ ...slo, objectivePercent: 99, window: '30d' as never }]))
      .toThrow('[dashboard "ecommerce-slos"] slo "X".window: must be a positive Duration such as Duration.days(30), got "30d"');
  });
});
