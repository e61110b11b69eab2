import { MetricProducers, PROMETHEUS_BUILT_IN_SERIES } from '../lib/alerting/metric-producers';
import { testChart } from './helpers';

describe('MetricProducers', () => {
  test('finds the producer of a metric by full name or prefix, and Prometheus for its own series once anything is scraped', () => {
    const chart = testChart();
    const producers = MetricProducers.of(chart);
    expect(producers.producerOf('up')).toBeUndefined();
    producers.declare(chart, { name: 'scrape job mysql-exporter', metrics: ['mysql_'] });
    producers.declare(chart, { name: 'scrape job app', metrics: ['http_requests_total'] });
    expect(producers.producerOf('mysql_up')).toBe('scrape job mysql-exporter');
    expect(producers.producerOf('http_requests_total')).toBe('scrape job app');
    expect(producers.producerOf('redis_up')).toBeUndefined();
    expect(PROMETHEUS_BUILT_IN_SERIES.length).toBeGreaterThan(0);
    for (const series of PROMETHEUS_BUILT_IN_SERIES) {
      expect(producers.producerOf(series)).toBe('Prometheus');
    }
    expect(MetricProducers.of(chart)).toBe(producers);
  });

  test('rejects a producer declaring no metric or a malformed name', () => {
    const chart = testChart();
    expect(() => MetricProducers.of(chart).declare(chart, { name: 'scrape job x', metrics: [] }))
      .toThrow('[test] metrics of scrape job x: must list metric names or prefixes, got []');
    expect(() => MetricProducers.of(chart).declare(chart, { name: 'scrape job x', metrics: ['mysql-'] }))
      .toThrow('[test] metrics of scrape job x: must list metric names or prefixes, got ["mysql-"]');
  });
});
