import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENT_NAMES, RELEASES } from '../stacks/config';
import { compareVersions, formatRelease, readRelease, replaceLine, switchRelease } from '../stacks/release';

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

/** A copy of what `npm run promote` reads and writes, inside the repository so node_modules resolves. */
function copyRepository(): string {
  fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'build', 'release-test-'));
  for (const item of ['main.ts', 'stacks', 'lib', 'imports', 'dist', 'scripts/run-bundled.js', 'scripts/promote.ts']) {
    fs.cpSync(path.join(repo, item), path.join(dir, item), { recursive: true });
  }
  return dir;
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of [path.join('stacks', 'config', 'releases.ts'), ...['dev', 'staging', 'prod'].flatMap((e) => fs.readdirSync(path.join(dir, 'dist', e)).map((f) => path.join('dist', e, f)))]) {
    out[file] = fs.readFileSync(path.join(dir, file), 'utf8');
  }
  return out;
}

function promote(dir: string, direction: string, env: string) {
  return spawnSync(process.execPath, ['scripts/run-bundled.js', 'scripts/promote.ts', direction, env], { cwd: dir, encoding: 'utf8' });
}

describe('npm run promote / rollback on a copy of the repository', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyRepository();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('promote prod edits one line, re-synthesizes and prints the diff; rollback restores every byte', () => {
    const before = tree(dir);
    const promoted = promote(dir, 'promote', 'prod');
    expect(promoted.stderr).toBe('');
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toContain('promote prod: blue (v1.2.3) -> green (v1.3.0); workers v1.2.3 -> v1.3.0');
    expect(promoted.stdout).toContain('~ Service ecommerce/laravel-service\n    metadata.annotations.delivery.ecommerce-platform/release: "blue:v1.2.3" -> "green:v1.3.0"\n    spec.selector.environment: "blue" -> "green"');
    expect(promoted.stdout).toContain('~ Job ecommerce/laravel-verify-switch\n    spec.template.spec.containers[verify-switch].env[TARGET_COLOUR].value: "blue" -> "green"');
    expect(promoted.stdout).toContain('kubectl patch service laravel-service -n ecommerce -p \'{"spec":{"selector":{"environment":"green"}}}\'');
    const after = tree(dir);
    const changed = Object.keys(before).filter((f) => before[f] !== after[f]).sort();
    expect(changed).toEqual(['dist/prod/delivery.k8s.yaml', 'dist/prod/deploy.k8s.yaml', 'dist/prod/web.k8s.yaml', 'dist/prod/workers.k8s.yaml', 'stacks/config/releases.ts']);
    const lines = (text: string) => text.split('\n');
    const edited = lines(after['stacks/config/releases.ts']).filter((l, i) => l !== lines(before['stacks/config/releases.ts'])[i]);
    expect(edited).toEqual(["  prod: { liveColour: 'green', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0', workersImageTag: 'v1.3.0' },"]);

    const rolledBack = promote(dir, 'rollback', 'prod');
    expect(rolledBack.status).toBe(0);
    expect(tree(dir)).toEqual(before);
  }, 60000);

  test('a refusal exits 1 with its reason and changes nothing', () => {
    const before = tree(dir);
    const result = promote(dir, 'promote', 'dev');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('promote dev: refused: the idle colour green runs the same image as the live colour blue (main); nothing was changed\n');
    expect(tree(dir)).toEqual(before);
  }, 60000);

  test('when synth rejects the result, the config and dist are restored byte for byte', () => {
    const file = path.join(dir, 'stacks', 'config', 'releases.ts');
    const bad = fs.readFileSync(file, 'utf8').replace("greenImageTag: 'v1.3.0', workersImageTag: 'v1.2.3' },", "greenImageTag: 'v1.3', workersImageTag: 'v1.2.3' },");
    fs.writeFileSync(file, bad);
    const before = tree(dir);
    const result = promote(dir, 'promote', 'prod');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('promote prod: synth refused the change; stacks/config/releases.ts and dist/prod restored:');
    expect(result.stderr).toContain('[environment prod] web.greenImageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "v1.3"');
    expect(tree(dir)).toEqual(before);
  }, 60000);

  test('wrong arguments exit 2 with the usage', () => {
    expect(promote(dir, 'promote', 'qa').status).toBe(2);
    expect(promote(dir, 'sideways', 'prod').stderr).toBe('usage: npm run promote -- <env>   |   npm run rollback -- <env>\n');
  }, 60000);
});
