import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { main, synthesize } from '../stacks/synthesize';
import { renderedFiles, withWeb } from './environment-helpers';
import { nonEmpty } from './helpers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
}

/** Every file under a folder with its bytes, for byte-for-byte comparisons. */
function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        out[path.relative(dir, full)] = fs.readFileSync(full, 'latin1');
      }
    }
  };
  walk(dir);
  return out;
}

function captureStreams(run: () => number): { code: number; stdout: string; stderr: string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout.push(String(chunk)); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr.push(String(chunk)); return true; });
  try {
    return { code: run(), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('synthesize', () => {
  // One full synth through the command-line entry point, which the tests below start from (a synth of
  // every environment is the expensive step).
  let full: { dir: string; run: { code: number; stdout: string; stderr: string } };
  beforeAll(() => {
    const dir = tempDir();
    full = { dir, run: captureStreams(() => main([], dir)) };
  });
  /** A folder holding what the full synth wrote, as a previous synth would have left it. */
  const previousSynth = () => {
    const dir = tempDir();
    fs.cpSync(full.dir, dir, { recursive: true });
    return dir;
  };

  test('writes one folder per environment holding only .k8s.yaml files, one per chart', () => {
    const dir = full.dir;
    expect(fs.readdirSync(dir).sort()).toEqual(['argocd', 'dev', 'prod', 'staging']);
    for (const env of ['dev', 'staging', 'prod']) {
      const files = fs.readdirSync(path.join(dir, env));
      expect(files).toContain('web.k8s.yaml');
      expect(nonEmpty(files, 'file').every((f) => f.endsWith('.k8s.yaml'))).toBe(true);
      const charts = renderedFiles(ENVIRONMENTS[env as EnvironmentName]).map((f) => f.fileName);
      expect(files.sort()).toEqual(charts.sort());
    }
  });

  test('is deterministic: two synths (the command and the API) are byte-identical, with no timestamps or machine paths', () => {
    const a = full.dir;
    const b = tempDir();
    synthesize({ outdir: b });
    const first = snapshotTree(a);
    expect(snapshotTree(b)).toEqual(first);
    const text = Object.values(first).join('\n');
    expect(text).not.toContain(a);
    expect(text).not.toContain(b);
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
  });

  test('replaces only the named environments', () => {
    const dir = tempDir();
    synthesize({ outdir: dir, names: ['prod'] });
    expect(fs.readdirSync(dir)).toEqual(['prod']);
  });

  test('fails atomically: a bad environment leaves every previous folder byte for byte intact', () => {
    const dir = previousSynth();
    const before = snapshotTree(dir);
    const environments = { ...ENVIRONMENTS, prod: withWeb('prod', { greenImageTag: 'latest' }), dev: withWeb('dev', { appEnv: 'changed' }) };
    expect(() => synthesize({ outdir: dir, environments })).toThrow('[environment prod] web.greenImageTag');
    expect(snapshotTree(dir)).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['argocd', 'dev', 'prod', 'staging']);
  });

  test('a policy error in one environment fails the whole synth and leaves every folder byte for byte intact', () => {
    const dir = previousSynth();
    const before = snapshotTree(dir);
    const reports: string[] = [];
    expect(() => synthesize({
      outdir: dir,
      onPolicyReport: (name) => reports.push(name),
      build: (app, config) => {
        const { root, web } = buildEnvironment(app, config);
        if (config.name === 'prod') {
          new kplus.k8s.KubeSecret(web, 'Leak', { metadata: { name: 'leak' }, data: { key: 'c2VjcmV0' } });
        }
        return root;
      },
    })).toThrow('  prod/Web/Leak\n    error secret-literal-data: Secret ecommerce/leak: renders literal values for key(s) key');
    expect(reports).toEqual(['dev', 'staging']);
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('a successful synth prints one summary line per environment; warning details only with --verbose', () => {
    const dir = tempDir();
    const quiet = captureStreams(() => main(['dev'], dir));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(new RegExp(`^${path.join(dir, 'dev')}: \\d+ objects in 8 files, [1-9]\\d* warning\\(s\\), 0 waived \\(--verbose for details\\)\n$`));
    const verbose = captureStreams(() => main(['dev', '--verbose'], dir));
    expect(verbose.code).toBe(0);
    expect(verbose.stdout.split('\n')[0]).toMatch(new RegExp(`^${path.join(dir, 'dev')}: \\d+ objects in 8 files, [1-9]\\d* warning\\(s\\), 0 waived$`));
    expect(verbose.stdout).toMatch(/\npolicy dev: 0 error\(s\), \d+ warning\(s\), \d+ waived\n/);
    expect(verbose.stdout).toMatch(/\n {2}dev\/Web\/Laravel\/Blue\n {4}warning image-pinned: /);
  });

  test('a user mistake exits 1 with one readable message and no stack trace', () => {
    const dir = tempDir();
    const result = captureStreams(() => main(['qa'], dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`synth failed, ${dir}/ left unchanged:\n[environments] name: unknown environment "qa"; expected one of "dev", "staging", "prod"\n`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('success exits 0 and lists what was written', () => {
    const { dir, run: result } = full;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(':')[0])).toEqual(['dev', 'staging', 'prod', 'argocd'].map((f) => path.join(dir, f)));
    expect(result.stdout).toMatch(new RegExp(`${path.join(dir, 'prod')}: \\d+ objects in \\d+ files, 0 warning\\(s\\), 0 waived\n`));
  });
});
