import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// End to end: runs the real promote script, which synthesizes in its own process (npm run test:e2e).
const repo = path.resolve(__dirname, '..');

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
    expect(promoted.stdout).toContain('kubectl patch service laravel-service -n ecommerce -p \'{"spec":{"selector":{"environment":"green"}}}\'');
    // The printed apply order: the serving colour's bounds never drop before the Service switch.
    const order = promoted.stdout.slice(promoted.stdout.indexOf('Argo CD applies it in this order')).split('\n');
    const line = (start: string) => {
      const i = order.findIndex((l) => l.trimStart().startsWith(start));
      expect(i).toBeGreaterThan(0);
      return i;
    };
    expect(line('Sync wave 2      apply HorizontalPodAutoscaler laravel-green-hpa  spec.maxReplicas: 3 -> 10')).toBeLessThan(line('Sync wave 10     apply Service laravel-service'));
    expect(line('Sync wave 10     apply Service laravel-service  metadata.annotations.delivery.ecommerce-platform/release: "blue:v1.2.3" -> "green:v1.3.0"; spec.selector.environment: "blue" -> "green"'))
      .toBeLessThan(line('Sync wave 20     apply HorizontalPodAutoscaler laravel-blue-hpa  spec.maxReplicas: 10 -> 3'));
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
