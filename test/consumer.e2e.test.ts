import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

/**
 * The package as another company stack consumes it: `npm pack` (which builds), a separate TypeScript
 * project importing the tarball, type-checked against the shipped declarations and synthesized. Proves the
 * public API, the types and the package contents together.
 *
 * The project is laid out under build/ inside the repository so that its dependencies (cdk8s,
 * cdk8s-plus-28...) resolve from the repository's node_modules, as they would from the consumer's own.
 */
const root = path.join(__dirname, '..');
const work = path.join(root, 'build', 'consumer');
const project = path.join(work, 'project');
const packageDir = path.join(project, 'node_modules', '@ecommerce-platform', 'k8s-constructs');

let packedFiles: string[] = [];
let tarball = '';

beforeAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(packageDir, { recursive: true });
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = execFileSync('npm', ['pack', './build/package', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed.files.map((f) => f.path).sort();
  tarball = path.join(work, packed.filename);
  execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', packageDir, '--strip-components=1']);
  // The consumer's own package.json: without it, Node would resolve the library's name to this repository
  // (a package may import itself by name through its `exports`).
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'storefront-stack', private: true }));
  for (const file of fs.readdirSync(path.join(root, 'test', 'fixtures', 'consumer'))) {
    fs.copyFileSync(path.join(root, 'test', 'fixtures', 'consumer', file), path.join(project, file));
  }
}, 180_000);

describe('a consumer of the packed library', () => {
  test('the tarball holds the compiled library, its declarations and the CRD bindings, nothing else', () => {
    const outside = packedFiles.filter((f) => !/^(lib|imports)\/.+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f));
    expect(outside).toEqual([]);
    expect(packedFiles).toContain('lib/index.js');
    expect(packedFiles).toContain('lib/laravel/index.d.ts');
    expect(packedFiles.some((f) => f.startsWith('imports/'))).toBe(true);
    expect(packedFiles.some((f) => f.includes('stacks/') || f.startsWith('test/') || f.startsWith('dist/'))).toBe(false);
  });

  test('ships the consumer README, not the operations manual, and declares cdk8s as peers', () => {
    const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
    expect(readme).toContain('ObservabilityStack');
    // The operations manual's commands and the seed stay out (a canary's "neither promotes nor rolls back" is consumer text).
    expect(readme).not.toMatch(/seed 0|npm run (promote|rollback)|the environment config/i);
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    expect(pkg.dependencies.cdk8s).toBeUndefined();
    expect(pkg.license).toBe('Apache-2.0');
  });

  test('exposes the public entry points only: deep imports of internal files fail', () => {
    // Node's own resolution, from the consumer's project (jest's resolver would answer from this repository).
    const resolve = (request: string) => execFileSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(request)})`], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    expect(resolve('@ecommerce-platform/k8s-constructs')).toBe(path.join(packageDir, 'lib', 'index.js'));
    expect(resolve('@ecommerce-platform/k8s-constructs/laravel')).toBe(path.join(packageDir, 'lib', 'laravel', 'index.js'));
    expect(() => resolve('@ecommerce-platform/k8s-constructs/lib/core/checks')).toThrow(/not exported|PACKAGE_PATH_NOT_EXPORTED/i);
  });

  test('type-checks against the shipped declarations', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.json')], { encoding: 'utf8' })).not.toThrow();
  }, 120_000);

  // .ci/run then validates this output (build/consumer/out/dist) strictly against the Kubernetes and CRD
  // schemas and runs promtool on its Prometheus configuration, as it does for dist/.
  test('synthesizes its own blue/green app, Rollout, monitoring, alerts and backup through the three-line main.ts', () => {
    const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
    const bundle = (entry: string) => {
      const out = path.join(project, `${entry}.js`);
      execFileSync(esbuild, [path.join(project, `${entry}.ts`), '--bundle', '--platform=node', '--packages=external', `--outfile=${out}`, '--log-level=warning']);
      return out;
    };
    expect(fs.readFileSync(path.join(project, 'main.ts'), 'utf8').trim().split('\n')).toHaveLength(3);
    const out = path.join(work, 'out');
    fs.mkdirSync(out, { recursive: true });
    const env = { ...process.env, CDK8S_OUTDIR: undefined };
    const summary = execFileSync(process.execPath, [bundle('main')], { cwd: out, env, encoding: 'utf8' });
    // Every default passes the library's policy as an error rule: no warning, no waiver (postgres:16.4 included).
    expect(summary).toMatch(/^dist\/storefront: \d+ objects in 2 files, 0 warning\(s\), 0 waived\n$/);
    const folder = path.join(out, 'dist', 'storefront');
    const objects = fs.readdirSync(folder).sort().flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8')).map((d) => d.toJS()));
    const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('Deployment')).toEqual(expect.arrayContaining(['storefront-blue', 'storefront-green', 'prometheus-server', 'grafana']));
    expect(names('ClusterRole')).toEqual(['storefront-monitoring-alloy', 'storefront-monitoring-kube-state-metrics', 'storefront-monitoring-prometheus-server']);
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'storefront-service').spec.selector).toEqual({ app: 'storefront', colour: 'green' });
    expect(names('CronJob')).toEqual(['storefront-backup', 'storefront-backup-restore', 'storefront-backup-verify']);
    const ruleFiles = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules');
    const alerts = Object.values(ruleFiles.data as Record<string, string>).flatMap((file) => (YAML.parse(file).groups as Array<{ rules: Array<{ alert?: string }> }>)
      .flatMap((g) => g.rules.map((r) => r.alert)));
    expect(alerts).toEqual(expect.arrayContaining(['StorefrontDown', 'BackupTooOld', 'BackupJobFailed']));
    // Routing with one receiver, rendered as a ConfigMap the Alertmanager mounts: the team renders no Secret.
    const routing = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'alertmanager-config');
    expect(YAML.parse(routing.data['alertmanager.yml']).receivers.map((r: { name: string }) => r.name)).toEqual(['storefront-chat', 'discard']);
    expect(names('Secret')).toEqual([]);
    // Search: an Argo Rollouts blue/green release, analysed after promotion against its SLOs' per-revision rules.
    const search = objects.find((o) => o.kind === 'Rollout' && o.metadata.name === 'search');
    expect(search.spec.strategy.blueGreen).toMatchObject({
      activeService: 'search-active', previewService: 'search-preview', postPromotionAnalysis: { templates: [{ templateName: 'search-slo' }] },
    });
    expect(names('AnalysisTemplate')).toEqual(['search-slo']);

    // Stock cdk8s (`app.synth()`) writes exactly the same objects.
    const stockOut = path.join(work, 'stock');
    execFileSync(process.execPath, [bundle('stock'), stockOut], { cwd: project, env });
    const stockObjects = fs.readdirSync(stockOut).filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(stockOut, f), 'utf8')).map((d) => d.toJS()));
    const byKey = (list: Array<{ kind: string; metadata: { name: string; namespace?: string } }>) =>
      list.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, JSON.stringify(o)]).sort(([a], [b]) => (a < b ? -1 : 1));
    expect(objects.length).toBeGreaterThan(0);
    expect(byKey(stockObjects)).toEqual(byKey(objects));
  }, 120_000);
});

/**
 * The peer ranges promise every version from their lower bound on. The suite above resolves cdk8s,
 * cdk8s-plus-28 and constructs from this repository's node_modules (whatever the lock file holds); this one
 * installs the packed tarball with each peer at the lower bound of its range into a project of its own
 * outside the repository (nothing resolves from here), from the npm registry (or npm's cache), then
 * type-checks and synthesizes the consumer fixture there, with the pipeline and with stock cdk8s.
 */
describe('a consumer at the lower bound of every peer range', () => {
  const peers = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).peerDependencies as Record<string, string>;
  /** `^x.y.z` -> `x.y.z`: the ranges are caret ranges, whose lower bound is the version they name. */
  const lowerBounds = Object.fromEntries(Object.entries(peers).map(([name, range]) => {
    const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
    if (match === null) {
      throw new Error(`peerDependencies.${name}: ${range} is not a caret range; teach this test its lower bound`);
    }
    return [name, match[1]];
  }));
  let dir = '';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-lower-bound-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'storefront-stack', private: true }));
    for (const file of fs.readdirSync(path.join(root, 'test', 'fixtures', 'consumer'))) {
      fs.copyFileSync(path.join(root, 'test', 'fixtures', 'consumer', file), path.join(dir, file));
    }
    const typesNode = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version as string;
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-exact', tarball,
      ...Object.entries(lowerBounds).map(([name, version]) => `${name}@${version}`), `@types/node@${typesNode}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 150_000 });
  }, 180_000);

  afterAll(() => {
    if (dir !== '') {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('installs exactly the lower bounds, and the library resolves them, not copies of its own', () => {
    expect(Object.keys(lowerBounds).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    for (const [name, version] of Object.entries(lowerBounds)) {
      expect([name, JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version]).toEqual([name, version]);
      expect(fs.existsSync(path.join(dir, 'node_modules', '@ecommerce-platform', 'k8s-constructs', 'node_modules', name))).toBe(false);
    }
  });

  test('type-checks and synthesizes the fixture with the pipeline and with stock cdk8s, alike', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' })).not.toThrow();
    const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild');
    const bundle = (entry: string) => {
      const out = path.join(dir, `${entry}.js`);
      execFileSync(esbuild, [path.join(dir, `${entry}.ts`), '--bundle', '--platform=node', '--packages=external', `--outfile=${out}`, '--log-level=warning']);
      return out;
    };
    const env = { ...process.env, CDK8S_OUTDIR: undefined };
    const summary = execFileSync(process.execPath, [bundle('main')], { cwd: dir, env, encoding: 'utf8' });
    expect(summary).toMatch(/^dist\/storefront: \d+ objects in 2 files, 0 warning\(s\), 0 waived\n$/);
    const read = (folder: string) => fs.readdirSync(folder).filter((f) => f.endsWith('.k8s.yaml')).sort()
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8')).map((d) => d.toJS()));
    const objects = read(path.join(dir, 'dist', 'storefront'));
    execFileSync(process.execPath, [bundle('stock'), path.join(dir, 'stock')], { cwd: dir, env });
    const key = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(objects.length).toBeGreaterThan(40);
    expect(read(path.join(dir, 'stock')).map(key).sort()).toEqual(objects.map(key).sort());
  }, 120_000);
});
