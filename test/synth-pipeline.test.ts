import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { runSynth, synthesizeFolders } from '../lib/synth/synth-pipeline';

/** A one-chart folder: a ConfigMap, or (bad) a Secret with literal data, which the policy pass refuses. */
function shop(bad = false) {
  return (app: App) => {
    const chart = new Chart(app, 'Shop', { namespace: 'shop', disableResourceNameHashes: true });
    new kplus.ConfigMap(chart, 'Config', { metadata: { name: 'shop-config' }, data: { a: 'b' } });
    if (bad) {
      new kplus.k8s.KubeSecret(chart, 'Leak', { metadata: { name: 'leak' }, stringData: { key: 'value' } });
    }
    return app;
  };
}

function run(fn: () => number) {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { out.push(String(c)); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => { err.push(String(c)); return true; });
  try {
    return { code: fn(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));

describe('synthesizeFolders', () => {
  test('writes each folder, one file per chart', () => {
    const outdir = temp();
    const written = synthesizeFolders({ outdir, folders: { shop: shop() } });
    expect([...written.keys()]).toEqual(['shop']);
    expect(fs.readFileSync(path.join(outdir, 'shop', 'shop.k8s.yaml'), 'utf8')).toContain('name: shop-config');
  });

  test('fails on a policy error and on an unknown folder, writing nothing', () => {
    const outdir = temp();
    expect(() => synthesizeFolders({ outdir, folders: { shop: shop(), bad: shop(true) } })).toThrow('error secret-literal-data: Secret shop/leak');
    expect(() => synthesizeFolders({ outdir, folders: { shop: shop() }, only: ['shpo'] })).toThrow('[folders] name: unknown folder "shpo"; expected one of "shop"');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('runSynth', () => {
  const saved = process.env.CDK8S_OUTDIR;
  afterEach(() => {
    if (saved === undefined) {
      delete process.env.CDK8S_OUTDIR;
    } else {
      process.env.CDK8S_OUTDIR = saved;
    }
  });

  test('prints one summary line per folder and returns 0', () => {
    delete process.env.CDK8S_OUTDIR;
    const outdir = temp();
    const result = run(() => runSynth({ outdir, argv: [], folders: { shop: shop() } }));
    expect(result).toEqual({ code: 0, stdout: `${path.join(outdir, 'shop')}: 1 objects in 1 files, 0 warning(s), 0 waived\n`, stderr: '' });
  });

  test('a mistake exits 1 with one report and leaves the output folder as it was', () => {
    delete process.env.CDK8S_OUTDIR;
    const outdir = temp();
    fs.mkdirSync(path.join(outdir, 'shop'));
    fs.writeFileSync(path.join(outdir, 'shop', 'old.k8s.yaml'), 'old\n');
    const result = run(() => runSynth({ outdir, argv: [], folders: { shop: shop(true) } }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^synth failed, ${outdir}/ left unchanged:\\n\\[app\\] policy: 1 error\\(s\\)`));
    expect(fs.readdirSync(path.join(outdir, 'shop'))).toEqual(['old.k8s.yaml']);
  });

  test('under cdk8s synth --stdout (a CDK8S_OUTDIR other than cdk8s.yaml output) writes only there', () => {
    const outdir = temp();
    const cli = temp();
    process.env.CDK8S_OUTDIR = cli;
    const result = run(() => runSynth({ outdir, argv: [], folders: { shop: shop() } }));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${path.join(cli, 'shop')}: 1 objects in 1 files, 0 warning(s), 0 waived\n`);
    expect(fs.readdirSync(outdir)).toEqual([]);
    expect(fs.readdirSync(path.join(cli, 'shop'))).toEqual(['shop.k8s.yaml']);
  });

  test('refuses a CDK8S_OUTDIR that is the output folder itself', () => {
    const outdir = temp();
    process.env.CDK8S_OUTDIR = outdir;
    const result = run(() => runSynth({ outdir, argv: [], folders: { shop: shop() } }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[cdk8s synth] output: cdk8s synth empties its output folder before the app runs');
  });
});
