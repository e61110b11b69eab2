import { Construct } from 'constructs';
import { MetricSources } from '../lib/core/metric-sources';
import { testChart } from './helpers';

describe('MetricSources', () => {
  test('knows who serves a declared metric, and nothing else', () => {
    const chart = testChart();
    const adapter = new Construct(chart, 'Adapter');
    MetricSources.of(chart).declare(adapter, 'External', 'queue_depth');
    expect(MetricSources.of(chart).serverOf('External', 'queue_depth')).toBe('test/Adapter');
    expect(MetricSources.of(chart).serverOf('Pods', 'queue_depth')).toBeUndefined();
    expect(MetricSources.of(chart).serverOf('External', 'other')).toBeUndefined();
  });

  test('rejects a second server of the same metric', () => {
    const chart = testChart();
    MetricSources.of(chart).declare(new Construct(chart, 'A'), 'Pods', 'rps');
    expect(() => MetricSources.of(chart).declare(new Construct(chart, 'B'), 'Pods', 'rps'))
      .toThrow('[test/B] metric: the Pods metric "rps" is already served by test/A');
  });
});
