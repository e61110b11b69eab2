import { App, Chart, Duration } from 'cdk8s';
import { PodChaosExperiment } from '../lib/safety/pod-chaos-experiment';
import { ENVIRONMENTS } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { findObject, ofKind, synthChart, testChart } from './helpers';

describe('PodChaosExperiment', () => {
  test('renders seed 000\'s pod-failure experiment, limited to the chart namespace', () => {
    const chart = testChart();
    new PodChaosExperiment(chart, 'Chaos', { podLabels: { app: 'laravel' } });
    const chaos = findObject(synthChart(chart), 'PodChaos', 'pod-failure-test');
    expect(chaos.apiVersion).toBe('chaos-mesh.org/v1alpha1');
    expect(chaos.metadata.namespace).toBe('ecommerce');
    expect(chaos.spec).toEqual({ action: 'pod-failure', mode: 'one', duration: '60s', selector: { namespaces: ['ecommerce'], labelSelectors: { app: 'laravel' } } });
  });

  test.each([
    [{ podLabels: {} }, '[test/Chaos] podLabels: required: at least one label, so the experiment cannot pick any pod of the namespace'],
    [{ podLabels: { app: 'laravel' }, duration: Duration.seconds(0) }, '[test/Chaos] duration: must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got 0s'],
    [{ podLabels: { app: 'laravel' }, duration: Duration.millis(1500) }, '[test/Chaos] duration: must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got 1.5s'],
    [{ podLabels: { app: 'laravel' }, name: 'Bad' }, '[test/Chaos] name: '],
  ])('rejects %j', (props, message) => {
    expect(() => new PodChaosExperiment(testChart(), 'Chaos', props)).toThrow(message);
  });

  test('fails in a chart without a namespace', () => {
    const chart = new Chart(new App(), 'bare');
    expect(() => new PodChaosExperiment(chart, 'Chaos', { podLabels: { app: 'x' } })).toThrow('[bare/Chaos] namespace: the chart must have a namespace: the experiment is limited to it');
  });
});

describe.each(shippedEnvironments())('%s chaos', (name, objects) => {
  test('runs only where configured (staging), for the configured duration', () => {
    const experiments = ofKind(objects, 'PodChaos');
    if (ENVIRONMENTS[name].chaos === undefined) {
      expect(experiments).toEqual([]);
    } else {
      expect(experiments.map((o) => o.spec.duration)).toEqual([`${ENVIRONMENTS[name].chaos!.podFailureDuration.toSeconds()}s`]);
    }
  });
});

test('only staging configures chaos', () => {
  expect(Object.values(ENVIRONMENTS).filter((e) => e.chaos !== undefined).map((e) => e.name)).toEqual(['staging']);
});
