import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The real `cdk8s synth` CLI with the repository's cdk8s.yaml, on a copy of the repository (inside build/
 * so node_modules resolves): it never deletes, half-writes or bypasses the colour-switch guard on dist/.
 * Slow (the CLI and a bundle build per case): an end-to-end suite.
 */
const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

function copyRepository(): string {
  fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'build', 'cli-test-'));
  for (const item of ['cdk8s.yaml', 'main.ts', 'stacks', 'lib', 'imports', 'dist', 'scripts/run-bundled.js']) {
    fs.cpSync(path.join(repo, item), path.join(dir, item), { recursive: true });
  }
  return dir;
}

/** Every file under `dir` with its content (hidden staging folders included). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) {
      out[file] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}

function synth(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'synth', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: undefined } });
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) {
    throw new Error(`${file}: nothing to replace`);
  }
  fs.writeFileSync(file, changed);
}

describe('cdk8s synth with the repository cdk8s.yaml', () => {
  let dir: string;
  const committed = tree(path.join(repo, 'dist'));

  beforeAll(() => {
    dir = copyRepository();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('writes dist/ exactly as npm run synth does, and lists the files from its scratch folder', () => {
    expect(Object.keys(committed).length).toBeGreaterThan(0);
    fs.rmSync(path.join(dir, 'dist', 'prod', 'web.k8s.yaml'));
    fs.mkdirSync(path.join(dir, 'dist', '.synth-999999999-abcdef'));
    const result = synth(dir);
    expect(result.stderr).toMatch(/^dist\/prod: \d+ objects in \d+ files, 0 warning\(s\), \d+ waived$/m);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('build/cdk8s.out/prod/web.k8s.yaml');
    // Restored, byte for byte, and the staging folder of a dead process is gone.
    expect(tree(path.join(dir, 'dist'))).toEqual(committed);
    expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.startsWith('.synth-'))).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'build', 'cdk8s.out', 'prod', 'web.k8s.yaml'), 'utf8')).toBe(committed[path.join('prod', 'web.k8s.yaml')]);
  }, 120_000);

  test('--stdout prints every object and leaves dist/ alone', () => {
    fs.writeFileSync(path.join(dir, 'dist', 'prod', 'marker.txt'), 'kept\n');
    const before = tree(path.join(dir, 'dist'));
    const result = synth(dir, '--stdout');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('name: laravel-service');
    expect(result.stdout).toContain('kind: NetworkPolicy');
    expect(tree(path.join(dir, 'dist'))).toEqual(before);
    fs.rmSync(path.join(dir, 'dist', 'prod', 'marker.txt'));
  }, 120_000);

  test('a failing app exits non-zero with the one-line report and leaves dist/ untouched', () => {
    const releases = path.join(dir, 'stacks', 'config', 'releases.ts');
    const original = fs.readFileSync(releases, 'utf8');
    try {
      edit(releases, "greenImageTag: 'v1.3.0', workersImageTag: 'v1.2.3'", "greenImageTag: 'latest', workersImageTag: 'v1.2.3'");
      const before = tree(path.join(dir, 'dist'));
      const result = synth(dir);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('synth failed, dist/ left unchanged:\n[environment prod] ');
      expect(tree(path.join(dir, 'dist'))).toEqual(before);
    } finally {
      fs.writeFileSync(releases, original);
    }
  }, 120_000);

  test('the colour-switch guard reads dist/ and refuses a switch to an under-sized colour, with or without --stdout', () => {
    const releases = path.join(dir, 'stacks', 'config', 'releases.ts');
    const web = path.join(dir, 'dist', 'prod', 'web.k8s.yaml');
    const original = fs.readFileSync(releases, 'utf8');
    // Green deployed with one pod; the commit makes it live (prod's live minimum is 3).
    const docs = fs.readFileSync(web, 'utf8').split(/^---\n/m);
    const green = docs.findIndex((d) => /^ {2}name: laravel-green-hpa$/m.test(d));
    expect(green).toBeGreaterThanOrEqual(0);
    docs[green] = docs[green].replace(/^ {2}minReplicas: 3$/m, '  minReplicas: 1').replace(/^ {2}maxReplicas: 3$/m, '  maxReplicas: 1');
    fs.writeFileSync(web, docs.join('---\n'));
    try {
      edit(releases, "prod: { liveColour: 'blue'", "prod: { liveColour: 'green'");
      const before = tree(path.join(dir, 'dist'));
      for (const args of [[], ['--stdout']]) {
        const result = synth(dir, ...args);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('[prod/Web/Laravel] liveColour: cannot switch from blue to green: green is deployed with 1 pod(s), below the live minimum of 3');
        expect(tree(path.join(dir, 'dist'))).toEqual(before);
      }
    } finally {
      fs.writeFileSync(releases, original);
    }
  }, 180_000);
});
