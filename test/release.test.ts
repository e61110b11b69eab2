import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, RELEASES } from '../stacks/config';
import { applyOrder, compareVersions, formatRelease, readRelease, replaceLine, switchRelease } from '../stacks/release';
import { synthObjects, withWeb } from './environment-helpers';

const repo = path.resolve(__dirname, '..');
const source = fs.readFileSync(path.join(repo, 'stacks', 'config', 'releases.ts'), 'utf8');

describe('release state block', () => {
  test.each(ENVIRONMENT_NAMES)('%s: the line in the file is what RELEASES holds, and formats back to itself', (env) => {
    const { line, state } = readRelease(source, env);
    expect(state).toEqual(RELEASES[env]);
    expect(formatRelease(env, state)).toBe(line);
  });

  test('promote makes the idle colour live and moves the workers to its tag', () => {
    expect(switchRelease('prod', RELEASES.prod, 'promote')).toEqual({ liveColour: 'green', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0', workersImageTag: 'v1.3.0' });
    expect(switchRelease('staging', RELEASES.staging, 'rollback')).toEqual({ liveColour: 'blue', blueImageTag: 'v1.3.0', greenImageTag: 'v1.4.0-rc.1', workersImageTag: 'v1.3.0' });
  });

  test.each([
    ['dev', RELEASES.dev, 'promote', 'promote dev: refused: the idle colour green runs the same image as the live colour blue (main); nothing was changed'],
    ['prod', { ...RELEASES.prod, greenImageTag: '' }, 'promote', 'promote prod: refused: the idle colour green has no image tag set (set greenImageTag in the release state first); nothing was changed'],
    ['staging', RELEASES.staging, 'promote', 'promote staging: refused: the idle colour blue runs v1.3.0, older than the live green v1.4.0-rc.1: that is a rollback (npm run rollback -- staging); nothing was changed'],
    ['prod', RELEASES.prod, 'rollback', 'rollback prod: refused: the idle colour green runs v1.3.0, newer than the live blue v1.2.3: that is a promote (npm run promote -- prod); nothing was changed'],
  ] as const)('refuses %s %j %s', (env, state, direction, message) => {
    expect(() => switchRelease(env, state, direction)).toThrow(message);
  });

  test('allows either direction between tags without a version order (digests)', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(switchRelease('prod', { ...RELEASES.prod, greenImageTag: digest }, 'rollback').liveColour).toBe('green');
  });

  test('orders semantic versions, pre-releases before their release', () => {
    expect(compareVersions('v1.4.0-rc.1', 'v1.3.0')).toBe(1);
    expect(compareVersions('v1.4.0-rc.1', 'v1.4.0')).toBe(-1);
    expect(compareVersions('v1.4.0-rc.2', 'v1.4.0-rc.10')).toBe(-1);
    expect(compareVersions('v1.10.0', 'v1.9.9')).toBe(1);
    expect(compareVersions('main', 'v1.0.0')).toBeUndefined();
  });

  test('refuses a file whose block or line is not in the expected shape', () => {
    expect(() => readRelease(source.replace('// ---- end of release state ----', ''), 'prod')).toThrow('the release state block must appear exactly once between its two marker comments');
    const reshaped = source.replace("  prod: { liveColour: 'blue',", "  prod: {liveColour: 'blue',");
    expect(() => readRelease(reshaped, 'prod')).toThrow('the release line of prod is not in the expected one-line form');
    expect(() => replaceLine('a\nx\nb\nx\n', 'x', 'y')).toThrow('expected the release line exactly once, found it 2 time(s)');
  });
});

describe('applyOrder', () => {
  test('prod promote: backup, migration, workers and the new colour\'s bounds, hooks, the switch, the old colour\'s bounds, then the verification', () => {
    const lines = applyOrder(synthObjects(ENVIRONMENTS.prod), synthObjects(withWeb('prod', { liveColour: 'green' }, { workers: { ...ENVIRONMENTS.prod.workers, imageTag: 'v1.3.0' } })));
    const worker = lines.find((l) => l.includes('apply Deployment laravel-worker'));
    expect(worker).toContain('image: "ghcr.io/ibekzod/laravel-ecommerce-worker:v1.2.3" -> "ghcr.io/ibekzod/laravel-ecommerce-worker:v1.3.0"');
    expect(lines.map((l) => l.trim().replace(/(laravel-(worker|scheduler)) {2}\S.*image.*$/, '$1'))).toEqual([
      'PreSync wave 0   run Job database-backup-pre-release',
      'Sync wave 1      run Job laravel-migrate',
      'Sync wave 2      apply PodDisruptionBudget laravel-green-pdb (wave only)',
      'Sync wave 2      apply Deployment laravel-green (wave only)',
      'Sync wave 2      apply Deployment laravel-scheduler',
      'Sync wave 2      apply Deployment laravel-worker',
      'Sync wave 2      apply HorizontalPodAutoscaler laravel-green-hpa  spec.maxReplicas: 3 -> 10',
      'Sync wave 3      run Job laravel-cache-warm',
      'Sync wave 4      run Job laravel-smoke-test',
      'Sync wave 10     apply Service laravel-service  metadata.annotations.delivery.ecommerce-platform/release: "blue:v1.2.3" -> "green:v1.3.0"; spec.selector.environment: "blue" -> "green"',
      // The verified switch watches green while blue still has its capacity; blue retires only after it passed.
      'Sync wave 15     run Job laravel-verify-switch',
      'Sync wave 20     apply PodDisruptionBudget laravel-blue-pdb (wave only)',
      'Sync wave 20     apply Deployment laravel-blue (wave only)',
      'Sync wave 20     apply HorizontalPodAutoscaler laravel-blue-hpa  spec.maxReplicas: 10 -> 3',
    ]);
  });
});
