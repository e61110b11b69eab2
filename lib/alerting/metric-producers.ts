import { Construct, IConstruct } from 'constructs';
import { show } from '../core/errors';
import { ValidationError } from '../core/validation-error';
import { ownedSingleton } from '../core/registry-owner';

/**
 * Series Prometheus itself writes for every scrape target and every alerting rule, whoever the targets are.
 *
 * @see https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series
 */
export const PROMETHEUS_BUILT_IN_SERIES: readonly string[] = [
  'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added',
  'ALERTS', 'ALERTS_FOR_STATE',
];

/** Something that puts series into the Prometheus the rules run on. */
export interface MetricProducer {
  /** Who produces them, for messages (`scrape job mysql-exporter`). */
  readonly name: string;

  /**
   * Metric families it produces: each entry is a full metric name or a name prefix (`mysql_` covers
   * `mysql_up` and `mysql_global_status_threads_connected`).
   */
  readonly metrics: readonly string[];
}

/** A rule's declaration that some of its metrics come from outside what this tree describes. */
export interface ExternalMetrics {
  /** Metric names or prefixes produced elsewhere. */
  readonly metrics: readonly string[];
  /** Why they are there all the same (`kube-prometheus-stack scrapes cert-manager in this cluster`). */
  readonly reason: string;
}

const REGISTRY_ID = 'MetricProducers';

/**
 * Every producer of series the tree declares: scrape targets and exporters (registered by the constructs
 * that render them into a Prometheus configuration or monitors) and platforms that scrape on our behalf
 * (kube-prometheus-stack). Alert and recording rules are checked against it at synth: a rule over a series
 * nothing produces can never fire. One registry per tree.
 */
export class MetricProducers extends Construct {
  /** The registry of the tree `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): MetricProducers {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is MetricProducers => c instanceof MetricProducers, (owner, id) => new MetricProducers(owner, id));
  }

  private readonly producerList: Array<MetricProducer & { owner: string }> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Declares a producer on behalf of `owner`.
   *
   * @throws ValidationError when it declares no metric, or an empty name
   */
  public declare(owner: IConstruct, producer: MetricProducer): MetricProducer {
    if (typeof producer !== 'object' || producer === null || typeof producer.name !== 'string' || producer.name.trim() === '') {
      throw new ValidationError(owner.node.path, 'producer.name', `required: who produces the metrics, got ${show((producer as MetricProducer | null)?.name)}`);
    }
    if (!Array.isArray(producer.metrics) || producer.metrics.length === 0 || producer.metrics.some((m) => typeof m !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m))) {
      throw new ValidationError(owner.node.path, `metrics of ${producer.name}`, `must list metric names or prefixes, got ${JSON.stringify(producer.metrics)}`);
    }
    this.producerList.push({ ...producer, owner: owner.node.path });
    return producer;
  }

  /** Every declared producer, in declaration order. */
  public producers(): MetricProducer[] {
    return this.producerList.map(({ name, metrics }) => ({ name, metrics: [...metrics] }));
  }

  /**
   * Whoever produces `metric`: a declared producer, Prometheus itself (built-in series, once any producer
   * exists), or `undefined`.
   */
  public producerOf(metric: string): string | undefined {
    if (this.producerList.length > 0 && PROMETHEUS_BUILT_IN_SERIES.includes(metric)) {
      return 'Prometheus';
    }
    return this.producerList.find((p) => p.metrics.some((m) => metric.startsWith(m)))?.name;
  }
}
