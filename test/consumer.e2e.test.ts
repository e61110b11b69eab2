import { execFileSync } from 'child_process';
import * as fs from 'fs';
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

beforeAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(packageDir, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed.files.map((f) => f.path).sort();
  execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', packageDir, '--strip-components=1']);
  for (const file of fs.readdirSync(path.join(root, 'test', 'fixtures', 'consumer'))) {
    fs.copyFileSync(path.join(root, 'test', 'fixtures', 'consumer', file), path.join(project, file));
  }
}, 180_000);

describe('a consumer of the packed library', () => {
  test('the tarball holds the compiled library, its declarations and the CRD bindings, nothing else', () => {
    const outside = packedFiles.filter((f) => !/^build\/(lib|imports)\/.+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
    expect(outside).toEqual([]);
    expect(packedFiles).toContain('build/lib/index.js');
    expect(packedFiles).toContain('build/lib/index.d.ts');
    expect(packedFiles.some((f) => f.startsWith('build/imports/'))).toBe(true);
    expect(packedFiles.some((f) => f.includes('stacks/') || f.startsWith('test/') || f.startsWith('dist/'))).toBe(false);
  });

  test('type-checks against the shipped declarations', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.json')], { encoding: 'utf8' })).not.toThrow();
  }, 120_000);

  test('synthesizes its own blue/green app, alert and backup through the three-line main.ts', () => {
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
    // The library's default PostgreSQL dump image (postgres:16.4) is not a full semantic version.
    expect(summary).toMatch(/^dist\/storefront: \d+ objects in 1 files, 4 warning\(s\), 0 waived \(--verbose for details\)\n$/);
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'dist', 'storefront', 'storefront.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('Deployment')).toEqual(['storefront-blue', 'storefront-green']);
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'storefront-service').spec.selector).toEqual({ app: 'storefront', colour: 'green' });
    expect(names('CronJob')).toEqual(['storefront-backup', 'storefront-backup-restore', 'storefront-backup-verify']);
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    const alerts = rule.spec.groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(expect.arrayContaining(['StorefrontDown', 'BackupTooOld', 'BackupJobFailed']));

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
