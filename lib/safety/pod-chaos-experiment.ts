import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PodChaos, PodChaosSpecAction, PodChaosSpecMode } from '../../imports/chaos-mesh.org';
import { assertAt, failAt } from '../core/errors';
import { checkDnsLabel, checkInteger, checkLabelKey, checkLabelName, checkLabels, checkLabelValue, checkNumber, checkProps, checkString, optional, Rules } from '../core/checks';
import { recommendedLabels } from '../core/labels';

/** Props of {@link PodChaosExperiment}. */
export interface PodChaosExperimentProps {
  /**
   * Name of the experiment.
   *
   * @default 'pod-failure-test' (seed 000)
   */
  readonly name?: string;

  /** Labels of the pods the experiment may fail (seed 000: `app: laravel`). */
  readonly podLabels: Readonly<Record<string, string>>;

  /**
   * How long the chosen pod stays failed, in seconds.
   *
   * @default 60 (seed 000)
   */
  readonly durationSeconds?: number;

  /**
   * `app.kubernetes.io/part-of` of the experiment.
   *
   * @default - the experiment's name
   */
  readonly partOf?: string;
}

/** Run-time checks of {@link PodChaosExperimentProps}, applied before anything is created. */
const POD_CHAOS_EXPERIMENT_RULES: Rules = {
  name: optional(checkString),
  podLabels: checkLabels,
  durationSeconds: optional((v) => checkNumber(v)),
  partOf: optional(checkLabelName),
};

/**
 * Seed 000's Chaos Mesh experiment: `pod-failure` of one pod matching `podLabels` in the chart's namespace
 * for `durationSeconds`. The pod is made unavailable (its containers replaced by a pause image), not
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
    const durationSeconds = props.durationSeconds ?? 60;
    const namespace = Chart.of(this).namespace;
    assertAt(this, 'name', checkDnsLabel(name));
    assertAt(this, 'durationSeconds', checkInteger(durationSeconds, 1, 3600));
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
