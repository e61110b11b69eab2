import { SyncObject, hookPhases, objectKey, syncTasks, syncWaveOf } from '../lib/delivery/sync-order';

function obj(kind: string, name: string, annotations: Record<string, string> = {}): SyncObject {
  return { kind, metadata: { name, namespace: 'ecommerce', annotations } };
}

const wave = (w: number) => ({ 'argocd.argoproj.io/sync-wave': String(w) });
const hook = (phase: string, w = 0) => ({ 'argocd.argoproj.io/hook': phase, ...wave(w) });

describe('syncTasks', () => {
  test('orders by phase, then wave, then Argo CD\'s kind order, then name; custom resources last in their wave', () => {
    const desired = [
      obj('PrometheusRule', 'rules'), obj('Deployment', 'b'), obj('Deployment', 'a'), obj('Service', 's'), obj('ConfigMap', 'c'),
      obj('Namespace', 'ns', wave(-2)), obj('Service', 'live', wave(10)), obj('Job', 'migrate', hook('Sync', 1)),
      obj('Job', 'backup', hook('PreSync')), obj('Job', 'verify', hook('PostSync')), obj('Job', 'cleanup', hook('SyncFail')),
    ];
    expect(syncTasks([], desired).map((t) => `${t.phase} ${t.wave} ${t.action} ${t.object.kind}/${t.object.metadata?.name}`)).toEqual([
      'PreSync 0 run Job/backup',
      'Sync -2 apply Namespace/ns',
      'Sync 0 apply ConfigMap/c',
      'Sync 0 apply Service/s',
      'Sync 0 apply Deployment/a',
      'Sync 0 apply Deployment/b',
      'Sync 0 apply PrometheusRule/rules',
      'Sync 1 run Job/migrate',
      'Sync 10 apply Service/live',
      'PostSync 0 run Job/verify',
    ]);
  });

  test('prunes objects no longer rendered after every wave and before PostSync (PruneLast); hooks are never pruned', () => {
    const deployed = [obj('Deployment', 'old'), obj('Deployment', 'kept'), obj('Job', 'migrate', hook('Sync', 1))];
    const desired = [obj('Deployment', 'kept', wave(30)), obj('Job', 'verify', hook('PostSync'))];
    expect(syncTasks(deployed, desired).map((t) => `${t.action} ${t.object.metadata?.name}`)).toEqual(['apply kept', 'prune old', 'run verify']);
  });

  test('reads hook phases, waves and keys as Argo CD does', () => {
    expect(hookPhases(obj('Job', 'j', { 'argocd.argoproj.io/hook': 'PreSync, PostSync' }))).toEqual(['PreSync', 'PostSync']);
    expect(hookPhases(obj('Job', 'j'))).toEqual([]);
    expect(syncWaveOf(obj('Job', 'j'))).toBe(0);
    expect(syncWaveOf(obj('Job', 'j', wave(-3)))).toBe(-3);
    expect(objectKey(obj('Job', 'j'))).toBe('Job/ecommerce/j');
  });
});
