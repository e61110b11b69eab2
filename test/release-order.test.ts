import { ApiObject, App } from 'cdk8s';
import { ArgoCdAnnotations, SyncWave, SyncWaves } from '../lib/delivery/sync-waves';
import { checkReleaseOrder } from '../lib/delivery/release-order';
import { syncTasks } from '../lib/delivery/sync-order';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName, RELEASES, ReleaseState } from '../stacks/config';
import { webRelease } from '../stacks/config/shared';
import { buildEnvironment } from '../stacks/platform';
import { switchRelease } from '../stacks/release';
import { synthObjects } from './environment-helpers';
import { K8sObject } from './helpers';
import { WalkSubject, walkProblems, walkRelease } from './release-walk';

/** An environment running a release state (what `npm run promote` / `rollback` write). */
function running(env: EnvironmentName, state: ReleaseState): EnvironmentConfig {
  const base = ENVIRONMENTS[env];
  return { ...base, web: { ...base.web, ...webRelease(state) }, workers: { ...base.workers, imageTag: state.workersImageTag } };
}

function subject(env: EnvironmentName): WalkSubject {
  const config = ENVIRONMENTS[env];
  const app = config.web.appName;
  return { namespace: config.namespace, appName: app, migrationJob: `${app}-migrate`, schemaConsumers: [`${app}-worker`, `${app}-scheduler`] };
}

/** The releases of an environment, each from the state before it: a new tag on the idle colour, promote, rollback. */
function releases(env: EnvironmentName): Array<[string, ReleaseState | undefined, ReleaseState]> {
  const shipped = RELEASES[env];
  const idle = shipped.liveColour === 'blue' ? 'greenImageTag' : 'blueImageTag';
  const released = { ...shipped, [idle]: 'v9.0.0' };
  const promoted = switchRelease(env, released, 'promote');
  const rolledBack = switchRelease(env, promoted, 'rollback');
  const steps: Array<[string, ReleaseState | undefined, ReleaseState]> = [
    ['first deploy', undefined, shipped],
    ['release to the idle colour', shipped, released],
    ['promote', released, promoted],
    ['rollback', promoted, rolledBack],
  ];
  for (const direction of ['promote', 'rollback'] as const) {
    try {
      steps.push([`${direction} of the shipped release`, shipped, switchRelease(env, shipped, direction)]);
    } catch {
      // Refused for this environment's tags (e.g. a promote to an older release): nothing to walk.
    }
  }
  return steps;
}

const rendered = new Map<string, K8sObject[]>();
function render(env: EnvironmentName, state: ReleaseState | undefined): K8sObject[] {
  if (state === undefined) {
    return [];
  }
  const key = `${env} ${JSON.stringify(state)}`;
  if (!rendered.has(key)) {
    rendered.set(key, synthObjects(running(env, state)));
  }
  return rendered.get(key)!;
}

const SCENARIOS = (Object.keys(ENVIRONMENTS) as EnvironmentName[]).flatMap((env) => releases(env).map(([what, from, to]) => [env, what, from, to] as const));

describe('release walk in Argo CD order', () => {
  test('covers a switch in both directions in every environment', () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      expect(SCENARIOS.filter(([e, what]) => e === env && (what === 'promote' || what === 'rollback'))).toHaveLength(2);
    }
    expect(SCENARIOS.some(([e, what]) => e === 'prod' && what === 'promote of the shipped release')).toBe(true);
  });

  test.each(SCENARIOS)('%s, %s: traffic keeps the live capacity and image, workers never outrun the migration', (env, _what, from, to) => {
    const steps = walkRelease(render(env, from), render(env, to), subject(env));
    expect(steps.length).toBeGreaterThan(50);
    expect(walkProblems(steps)).toEqual([]);
    const servedBy = [...new Set(steps.map((s) => s.serving).filter((c) => c !== undefined))];
    const switches = from !== undefined && from.liveColour !== to.liveColour;
    expect(servedBy).toEqual(from === undefined ? [to.liveColour] : switches ? [from.liveColour, to.liveColour] : [from.liveColour]);
  });

  test('prod promote: the new colour\'s bounds rise before the switch, the old colour\'s drop after it, workers follow the migration', () => {
    const before = render('prod', RELEASES.prod);
    const after = render('prod', switchRelease('prod', RELEASES.prod, 'promote'));
    const order = syncTasks(before, after).map((t) => `${t.action} ${t.object.kind}/${t.object.metadata?.name}`);
    const at = (what: string) => {
      expect(order).toContain(what);
      return order.indexOf(what);
    };
    expect(at('run Job/laravel-migrate')).toBeLessThan(at('apply Deployment/laravel-worker'));
    expect(at('run Job/laravel-migrate')).toBeLessThan(at('apply Deployment/laravel-scheduler'));
    expect(at('apply HorizontalPodAutoscaler/laravel-green-hpa')).toBeLessThan(at('apply Service/laravel-service'));
    expect(at('run Job/laravel-smoke-test')).toBeLessThan(at('apply Service/laravel-service'));
    expect(at('apply Service/laravel-service')).toBeLessThan(at('apply HorizontalPodAutoscaler/laravel-blue-hpa'));
  });

  test.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('%s: a PreSync backup runs before the migration exactly where the config asks for one', (env) => {
    const tasks = syncTasks(render(env, RELEASES[env]), render(env, RELEASES[env])).map((t) => `${t.phase} ${t.action} ${t.object.kind}/${t.object.metadata?.name}`);
    const migrate = tasks.indexOf('Sync run Job/laravel-migrate');
    expect(migrate).toBeGreaterThan(0);
    const backup = tasks.indexOf('PreSync run Job/database-backup-pre-release');
    if (ENVIRONMENTS[env].backup.preSyncBackup) {
      expect(tasks.filter((t) => t.startsWith('PreSync'))).toEqual(['PreSync run Job/database-backup-pre-release']);
      expect(backup).toBeLessThan(migrate);
    } else {
      expect(backup).toBe(-1);
    }
    expect(ENVIRONMENTS.prod.backup.preSyncBackup).toBe(true);
  });
});

/** Prod's shipped promote with some objects moved to other waves after rendering. */
function plantedPromote(waves: Record<string, number>): string[] {
  const before = render('prod', RELEASES.prod);
  const after = render('prod', switchRelease('prod', RELEASES.prod, 'promote')).map((o) => {
    const wave = waves[`${o.kind}/${o.metadata.name}`];
    return wave === undefined ? o : { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [ArgoCdAnnotations.SYNC_WAVE]: String(wave) } } };
  });
  return walkProblems(walkRelease(before, after, subject('prod')));
}

describe('release walk on a planted reordering', () => {
  test('fails when the old colour\'s HPA drops with the workloads, before the switch (the order before this change)', () => {
    expect(plantedPromote({ 'HorizontalPodAutoscaler/laravel-blue-hpa': 0 })[0])
      .toBe('Sync wave 0: apply HorizontalPodAutoscaler/laravel-blue-hpa: blue receives traffic but can scale to 3 pod(s), below the live maximum of 10');
  });

  test('fails when the new colour\'s HPA rises only after the switch', () => {
    expect(plantedPromote({ 'HorizontalPodAutoscaler/laravel-green-hpa': SyncWave.OBSERVE })[0])
      .toBe('Sync wave 10: apply Service/laravel-service: green receives traffic but can scale to 3 pod(s), below the live maximum of 10');
  });

  test('fails when the workers move before the migration', () => {
    expect(plantedPromote({ 'Deployment/laravel-worker': 0 })[0])
      .toBe('Sync wave 0: apply Deployment/laravel-worker: laravel-worker runs v1.3.0, newer than the migrations applied (v1.2.3)');
  });

  test('fails when the serving colour changes its image in place', () => {
    const shipped = RELEASES.prod;
    const problems = walkProblems(walkRelease(render('prod', shipped), render('prod', { ...shipped, blueImageTag: 'v1.2.4' }), subject('prod')));
    expect(problems[0]).toBe('Sync wave 2: apply Deployment/laravel-blue: blue receives traffic and its image changed in place: v1.2.3 -> v1.2.4');
  });

  test('fails when traffic moves to a colour running fewer pods than the live minimum', () => {
    const small = withIdle('staging', 1);
    const before = synthObjects(small(RELEASES.staging));
    const after = synthObjects(small(switchRelease('staging', RELEASES.staging, 'rollback')));
    expect(walkProblems(walkRelease(before, after, subject('staging')))[0])
      .toBe('Sync wave 10: apply Service/laravel-service: blue receives traffic with 1 pod(s) running, below the live minimum of 2');
  });
});

function withIdle(env: EnvironmentName, idleReplicas: number): (state: ReleaseState) => EnvironmentConfig {
  return (state) => {
    const config = running(env, state);
    return { ...config, web: { ...config.web, idleReplicas } };
  };
}

describe('ReleaseOrder', () => {
  function prod() {
    return buildEnvironment(new App(), ENVIRONMENTS.prod);
  }

  test('puts the live colour and the workers after the migration, the idle colour after the switch', () => {
    const env = prod();
    const wave = (obj: ApiObject) => SyncWaves.effectiveWave(obj);
    const laravel = env.web.laravel;
    expect(wave(ApiObject.of(laravel.blue.deployment))).toBe(SyncWave.RELEASE);
    expect(wave(laravel.blue.hpa!.apiObject)).toBe(SyncWave.RELEASE);
    expect(wave(laravel.blue.pdb!)).toBe(SyncWave.RELEASE);
    expect(wave(ApiObject.of(laravel.green.deployment))).toBe(SyncWave.RETIRE);
    expect(wave(laravel.green.hpa!.apiObject)).toBe(SyncWave.RETIRE);
    expect(wave(ApiObject.of(env.workers.worker.deployment))).toBe(SyncWave.RELEASE);
    expect(wave(env.workers.worker.scaler!.scaledObject)).toBe(SyncWave.RELEASE);
    expect(wave(ApiObject.of(env.workers.scheduler.deployment))).toBe(SyncWave.RELEASE);
    expect(wave(ApiObject.of(env.deploy.hooks.migration))).toBe(SyncWave.MIGRATE);
    expect(wave(ApiObject.of(laravel.liveService))).toBe(SyncWave.TRAFFIC);
    expect(() => checkReleaseOrder(env.root)).not.toThrow();
  });

  test.each([
    ['a worker before the migration', (e: ReturnType<typeof prod>) => ApiObject.of(e.workers.worker.deployment), SyncWave.MIGRATE,
      '[prod/Workers/Worker/Deployment/Resource] sync-wave: 1 starts Deployment laravel-worker before the migration (Job laravel-migrate, wave 1) has run; it runs the release\'s code against the database, so it must come after the migration'],
    ['the live colour raised after the switch', (e: ReturnType<typeof prod>) => e.web.laravel.blue.hpa!.apiObject, SyncWave.OBSERVE,
      '[prod/Web/Laravel/BlueAutoscaler/Resource] sync-wave: 11 raises HorizontalPodAutoscaler laravel-blue-hpa to the live bounds (up to 10 pods) only after Service laravel-service sends traffic to blue (wave 10); it must come before or with the switch'],
    ['the idle colour lowered before the switch', (e: ReturnType<typeof prod>) => e.web.laravel.green.hpa!.apiObject, SyncWave.WORKLOADS,
      '[prod/Web/Laravel/GreenAutoscaler/Resource] sync-wave: 0 lowers HorizontalPodAutoscaler laravel-green-hpa to the idle size (3 pods) before Service laravel-service moves traffic off green (wave 10); it must come after the switch'],
  ] as const)('rejects %s', (_what, pick, wave, message) => {
    const env = prod();
    SyncWaves.setWave(pick(env), wave);
    expect(() => checkReleaseOrder(env.root)).toThrow(message);
  });
});
