import * as kplus from 'cdk8s-plus-28';
import { ApiObject } from 'cdk8s';
import { ArgoCdAnnotations, SYNC_WAVES_BY_KIND, SyncWave, SyncWaves } from '../lib/delivery/sync-waves';
import { ENVIRONMENTS } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, findObject, synthChart, testChart, nonEmpty } from './helpers';

const wave = (o: K8sObject) => o.metadata.annotations?.[ArgoCdAnnotations.SYNC_WAVE];

describe('SyncWaves', () => {
  test('annotates every object of the scope by kind, including objects created after it', () => {
    const chart = testChart();
    new SyncWaves(chart, 'Waves');
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'c' } });
    new kplus.k8s.KubeNamespace(chart, 'Ns', { metadata: { name: 'n' } });
    new kplus.k8s.KubeIngress(chart, 'Ingress', { metadata: { name: 'i' } });
    new kplus.k8s.KubeEndpoints(chart, 'Endpoints', { metadata: { name: 'e' } });
    const objects = synthChart(chart);
    expect(wave(findObject(objects, 'ConfigMap', 'c'))).toBe('-1');
    expect(wave(findObject(objects, 'Namespace', 'n'))).toBe('-2');
    expect(wave(findObject(objects, 'Ingress', 'i'))).toBe('10');
    // A kind not in the table goes with the workloads.
    expect(wave(findObject(objects, 'Endpoints', 'e'))).toBe('0');
  });

  test('keeps a wave set explicitly, and byKind replaces table entries', () => {
    const chart = testChart();
    new SyncWaves(chart, 'Waves', { byKind: { ConfigMap: 5 } });
    const cm = new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'c' } });
    const other = new kplus.ConfigMap(chart, 'Other', { metadata: { name: 'o' } });
    SyncWaves.setWave(ApiObject.of(other), 7);
    const objects = synthChart(chart);
    expect(wave(findObject(objects, 'ConfigMap', 'c'))).toBe('5');
    expect(wave(findObject(objects, 'ConfigMap', 'o'))).toBe('7');
    expect(SyncWaves.waveSetOn(ApiObject.of(cm))).toBe('5');
  });

  test('rejects a wave that is not an integer', () => {
    expect(() => new SyncWaves(testChart(), 'Waves', { byKind: { ConfigMap: 1.5 } })).toThrow('[test/Waves] byKind.ConfigMap: must be an integer, got 1.5');
  });

  test('orders namespaces, config, servers, migration, release, warm-up, smoke test, traffic, monitoring, verification, retiring colour', () => {
    const order = [SyncWave.NAMESPACES, SyncWave.CONFIG, SyncWave.WORKLOADS, SyncWave.MIGRATE, SyncWave.RELEASE, SyncWave.CACHE_WARM,
      SyncWave.SMOKE_TEST, SyncWave.TRAFFIC, SyncWave.OBSERVE, SyncWave.VERIFY, SyncWave.RETIRE];
    expect(order).toHaveLength(Object.keys(SyncWave).length);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    expect(SYNC_WAVES_BY_KIND.Deployment).toBe(SyncWave.WORKLOADS);
  });

  test('effectiveWave is the wave set on an object, else its kind\'s', () => {
    const chart = testChart();
    const cm = new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'c' } });
    const endpoints = new kplus.k8s.KubeEndpoints(chart, 'Endpoints', { metadata: { name: 'e' } });
    expect(SyncWaves.effectiveWave(ApiObject.of(cm))).toBe(SyncWave.CONFIG);
    expect(SyncWaves.effectiveWave(endpoints)).toBe(SyncWave.WORKLOADS);
    SyncWaves.setWave(ApiObject.of(cm), 7);
    expect(SyncWaves.effectiveWave(ApiObject.of(cm))).toBe(7);
  });
});

describe.each(shippedEnvironments())('%s sync waves', (name, objects) => {
  test('every object carries a wave; hooks are the only Jobs between workloads and traffic', () => {
    expect(nonEmpty(objects, 'object').filter((o) => wave(o) === undefined).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const byWave = (w: number) => objects.filter((o) => wave(o) === String(w)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(byWave(SyncWave.NAMESPACES)).toEqual(objects.filter((o) => o.kind === 'Namespace').map((o) => `Namespace/${o.metadata.name}`).sort());
    expect(byWave(SyncWave.MIGRATE)).toEqual(['Job/laravel-migrate']);
    expect(byWave(SyncWave.CACHE_WARM)).toEqual(['Job/laravel-cache-warm']);
    expect(byWave(SyncWave.SMOKE_TEST)).toEqual(['Job/laravel-smoke-test']);
    // A canary's stable Ingress moves traffic too (staging); Argo Rollouts then shifts weights within it.
    const canaryIngress = ENVIRONMENTS[name].delivery?.canary === undefined ? [] : [`Ingress/${ENVIRONMENTS[name].delivery!.canary!.appName}-ingress`];
    expect(byWave(SyncWave.TRAFFIC)).toEqual([...canaryIngress, 'Ingress/laravel-ingress', 'Service/laravel-service'].sort());
    expect(nonEmpty(objects.filter((o) => o.kind === 'NetworkPolicy'), 'NetworkPolicy').every((o) => wave(o) === String(SyncWave.CONFIG))).toBe(true);
    expect(wave(findObject(objects, 'Service', `${ENVIRONMENTS[name].web.appName}-blue-service`))).toBe(String(SyncWave.WORKLOADS));
  });
});
