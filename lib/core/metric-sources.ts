import { Construct, IConstruct } from 'constructs';
import { assertAt, failAt, show } from './errors';
import { ownedSingleton } from './registry-owner';
import { checkMetricName, checkOneOf } from './checks';

/** Metric APIs an HPA reads beyond resource metrics: `Pods` (custom.metrics.k8s.io) and `External` (external.metrics.k8s.io). */
export type MetricApiType = 'Pods' | 'External';

const REGISTRY_ID = 'MetricSources';

/**
 * Which custom and external metrics something in the app serves to HPAs (a metrics adapter and its rules).
 *
 * An HPA that names a metric nobody serves never scales: it reports the metric as unavailable and holds
 * the workload at whatever size it has. {@link WorkloadAutoscaler} therefore refuses a `Pods` or `External`
 * metric that no construct declared here first. Resource metrics (CPU, memory) come from the cluster's
 * metrics-server and need no declaration; KEDA ScaledObjects read their sources themselves.
 */
export class MetricSources extends Construct {
  /** The registry of the tree `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): MetricSources {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is MetricSources => c instanceof MetricSources, (owner, id) => new MetricSources(owner, id));
  }

  private readonly served = new Map<string, string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Declares that `server` serves metric `name` through the `type` metrics API.
   *
   * @throws ValidationError when another construct already declared it
   */
  public declare(server: IConstruct, type: MetricApiType, name: string): void {
    assertAt(server, 'metric.type', checkOneOf(type, ['Pods', 'External']));
    assertAt(server, 'metric.name', checkMetricName(name));
    const key = `${type}\0${name}`;
    const owner = this.served.get(key);
    if (owner !== undefined && owner !== server.node.path) {
      failAt(server, 'metric', `the ${type} metric ${show(name)} is already served by ${owner}`);
    }
    this.served.set(key, server.node.path);
  }

  /** The construct path that serves `name` through the `type` metrics API, if any. */
  public serverOf(type: MetricApiType, name: string): string | undefined {
    return this.served.get(`${type}\0${name}`);
  }
}
