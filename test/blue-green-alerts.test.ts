import { formatPrometheusDuration } from '../lib/core/durations';
import { BlueGreenAlerts } from '../lib/web/blue-green-alerts';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { SMALL_RESOURCES, testChart } from './helpers';

function app(liveColour: 'blue' | 'green') {
  const chart = testChart();
  const bg = new BlueGreenApp(chart, 'Laravel', {
    name: 'laravel', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/laravel', blueImageTag: 'v1.0.0', greenImageTag: 'v1.1.0',
    liveColour, resources: SMALL_RESOURCES, replicas: 1, idleReplicas: 1,
  });
  return { chart, bg };
}

describe('BlueGreenAlerts', () => {
  test('tells colours apart by pod name and labels the failing colour', () => {
    const { chart, bg } = app('blue');
    const alerts = new BlueGreenAlerts(chart, 'Alerts', { app: bg, appNamespace: 'ecommerce' });
    expect(alerts.rules.map((r) => r.alert)).toEqual(['BlueGreenBothColoursServing', 'BlueGreenColourErrors']);
    expect(alerts.rules[0].expr).toBe('count(sum by (colour) (label_replace(rate(http_requests_total{namespace="ecommerce",pod=~"laravel-(blue|green)-[a-z0-9]+-[a-z0-9]+"}[5m]), "colour", "$1", "pod", "laravel-(blue|green)-[a-z0-9]+-[a-z0-9]+")) > 1) > 1');
    expect(alerts.rules[1].tests![0].firing!.map((f) => ({ ...f, at: formatPrometheusDuration(f.at) }))).toEqual([{ at: '7m', labels: { colour: 'green' } }]);
  });

  test('renders the same rules whichever colour is live, so a switch changes no rule file', () => {
    const blue = app('blue');
    const green = app('green');
    const rules = (x: ReturnType<typeof app>) => new BlueGreenAlerts(x.chart, 'Alerts', { app: x.bg, appNamespace: 'ecommerce' }).rules;
    expect(rules(green)).toEqual(rules(blue));
  });

  test('uses the configured traffic and error thresholds', () => {
    const { chart, bg } = app('blue');
    const alerts = new BlueGreenAlerts(chart, 'Alerts', { app: bg, appNamespace: 'ecommerce', trafficRequestsPerSecond: 5, colourErrorRatePercent: 2.5 });
    expect(alerts.rules[0].expr).toContain(') > 5) > 1');
    expect(alerts.rules[1].expr).toMatch(/\n> 0\.025$/);
  });

  test('rejects an error rate of 100 percent or more', () => {
    const { chart, bg } = app('blue');
    expect(() => new BlueGreenAlerts(chart, 'Alerts', { app: bg, appNamespace: 'ecommerce', colourErrorRatePercent: 100 }))
      .toThrow('[test/Alerts] colourErrorRatePercent: must be between 0 and 100, got 100');
  });
});
