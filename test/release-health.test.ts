import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { checkPromql } from '../lib/alerting/promql';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { testChart } from './helpers';

function render(releaseLabel = 'environment') {
  const chart = testChart();
  const slos = new PlatformSlos(chart, 'Slos', { appNamespace: 'ecommerce' });
  const health = new ReleaseHealth(chart, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel });
  return { chart, slos, health };
}

describe('ReleaseHealth', () => {
  test('records the availability SLO\'s error ratio and the latency SLO\'s percentile split by the release label', () => {
    const { chart, health } = render();
    const group = AlertCatalogue.of(chart).groups().find((g) => g.name === 'release-health-environment');
    expect(group?.interval?.toSeconds()).toBe(15);
    const records = group!.recordingRules;
    expect(records.map((r) => r.record)).toEqual(['environment:release_error_ratio:rate2m', 'environment:release_latency_p95_seconds:rate2m']);
    expect(records[0].expr).toContain('sum by (environment) (rate(http_requests_total{namespace="ecommerce",status!~"5..",environment!=""}[2m]))');
    expect(records[1].expr).toContain('histogram_quantile(0.95, sum by (le, environment) (rate(http_request_duration_seconds_bucket{namespace="ecommerce",environment!=""}[2m])))');
    expect(records.map((r) => r.labels)).toEqual([{ slo: 'availability' }, { slo: 'latency_p95' }]);
    for (const r of records) {
      expect(checkPromql(r.expr)).toBeUndefined();
    }
    expect(health.quantile).toBe('0.95');
  });

  test('builds the query of one release', () => {
    const { health } = render('rollouts_pod_template_hash');
    expect(health.query(health.errorRatio, '{{args.canary-hash}}')).toBe('rollouts_pod_template_hash:release_error_ratio:rate2m{slo="availability",rollouts_pod_template_hash="{{args.canary-hash}}"}');
    expect(health.recordedNames()).toEqual(['rollouts_pod_template_hash:release_error_ratio:rate2m', 'rollouts_pod_template_hash:release_latency_p95_seconds:rate2m']);
  });

  test('fails when the latency SLO is a ratio SLO', () => {
    const chart = testChart();
    const slos = new PlatformSlos(chart, 'Slos', { appNamespace: 'ecommerce' });
    expect(() => new ReleaseHealth(chart, 'Health', { availability: slos.availability, latency: slos.paymentSuccess, releaseLabel: 'environment' }))
      .toThrow('[test/Health] latency: must be a latency SLO (a histogram), got the ratio SLO "payment_success_rate"');
  });

  test('fails when the release label is not a Prometheus label name', () => {
    expect(() => render('pod-template-hash')).toThrow('[test/Health] releaseLabel: must be a Prometheus label name, got "pod-template-hash"');
  });
});
