import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PodChaos, PodChaosSpecAction, PodChaosSpecMode } from '../../imports/chaos-mesh.org';
import { assertAt, failAt } from '../core/errors';
import {
  checkDnsLabel, checkLabelKey, checkLabelName, checkLabels, checkLabelValue, checkProps, checkString, optional, Rules,
} from '../core/checks';
import { show } from '../core/errors';
import { recommendedLabels } from '../core/labels';

/** Props of {@link PodChaosExperiment}. */
export interface PodChaosExperimentProps {
  /**
   * Name of the experiment.
   *
   * @default 'pod-failure-test'
   */
  readonly name?: string;

  /** Labels of the pods the experiment may fail (`app: storefront`). */
  readonly podLabels: Readonly<Record<string, string>>;

  /**
   * How long the chosen pod stays failed: whole seconds, at most an hour (written as Chaos Mesh's `60s`).
   *
   * @default Duration.seconds(60)
   */
  readonly duration?: Duration;

  /**
   * `app.kubernetes.io/part-of` of the experiment.
   *
   * @default - the experiment's name
   */
  readonly partOf?: string;
}

/** A Duration of whole seconds from one second to one hour. */
function checkChaosDuration(value: unknown): string | undefined {
  const seconds = value instanceof Duration ? value.toMilliseconds() / 1000 : NaN;
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600 ? undefined
    : `must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got ${value instanceof Duration ? `${seconds}s` : show(value)}`;
}

/** Run-time checks of {@link PodChaosExperimentProps}, applied before anything is created. */
const POD_CHAOS_EXPERIMENT_RULES: Rules = {
  name: optional(checkString),
  podLabels: checkLabels,
  duration: optional(checkChaosDuration),
  partOf: optional(checkLabelName),
};

/**
 * A Chaos Mesh experiment: `pod-failure` of one pod matching `podLabels` in the chart's namespace
 * for `duration`. The pod is made unavailable (its containers replaced by a pause image), not
 * deleted, so what is tested is that the Service, the PDB and the other replicas carry the traffic.
 *
 * The experiment runs once each time Chaos Mesh sees it created; re-run it by deleting it (Argo CD then
 * recreates it on the next sync where sync is automated).
 *
 * @see https://chaos-mesh.org/docs/simulate-pod-chaos-on-kubernetes/
 */
export class PodChaosExperiment extends Construct {
  /** The PodChaos object. */
  public readonly experiment: PodChaos;

  constructor(scope: Construct, id: string, props: PodChaosExperimentProps) {
    super(scope, id);
    checkProps(this, props, POD_CHAOS_EXPERIMENT_RULES);
    const name = props.name ?? 'pod-failure-test';
    const duration = props.duration ?? Duration.seconds(60);
    const namespace = Chart.of(this).namespace;
    assertAt(this, 'name', checkDnsLabel(name));
    assertAt(this, 'duration', checkChaosDuration(duration));
    const durationSeconds = duration.toSeconds();
    if (namespace === undefined) {
      failAt(this, 'namespace', 'the chart must have a namespace: the experiment is limited to it');
    }
    if (Object.keys(props.podLabels).length === 0) {
      // An empty selector would pick any pod of the namespace, the database included.
      failAt(this, 'podLabels', 'required: at least one label, so the experiment cannot pick any pod of the namespace');
    }
    for (const [key, value] of Object.entries(props.podLabels)) {
      assertAt(this, `podLabels.${key}`, checkLabelKey(key) ?? checkLabelValue(value));
    }
    this.experiment = new PodChaos(this, 'Resource', {
      metadata: {
        name,
        labels: recommendedLabels({ name, instance: name, component: 'chaos', partOf: props.partOf ?? name }),
      },
      spec: {
        action: PodChaosSpecAction.POD_HYPHEN_FAILURE,
        mode: PodChaosSpecMode.ONE,
        duration: `${durationSeconds}s`,
        selector: { namespaces: [namespace], labelSelectors: { ...props.podLabels } },
      },
    });
  }
}
