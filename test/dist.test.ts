import * as path from 'path';
import { App } from 'cdk8s';
import { ManifestFile } from '../lib/render/manifest-writer';
import { DeployedManifests, checkColourSwitches } from '../lib/web/colour-switch';
import { ENVIRONMENT_NAMES, EnvironmentName, loadEnvironment } from '../stacks/config';
import { GITOPS_FOLDER, renderGitOps } from '../stacks/gitops-stack';
import { buildEnvironment } from '../stacks/platform';
import { renderedFiles } from './environment-helpers';
import { STALE_DIST_HINT, committedFiles, compareWithCommitted } from './dist-compare';

// The committed dist/ is the stack snapshot: a reviewer reads one diff, in the files Argo CD applies.
const DIST = path.join(__dirname, '..', 'dist');

const checked = new Set<EnvironmentName>();
/**
 * An environment as `npm run synth` renders it: loaded and validated, the colour-switch guard against
 * dist/, and the synth pipeline's render (policy pass included), which the run's global setup made once.
 */
function fresh(name: EnvironmentName): ManifestFile[] {
  const config = loadEnvironment(name);
  if (!checked.has(name)) {
    checkColourSwitches(buildEnvironment(new App(), config).root, DeployedManifests.fromDirectory(path.join(DIST, name)));
    checked.add(name);
  }
  return renderedFiles(config);
}

function expectCommitted(folder: string, files: ManifestFile[]): void {
  expect(files.length).toBeGreaterThan(0);
  const report = compareWithCommitted(`dist/${folder}`, committedFiles(path.join(DIST, folder)), new Map(files.map((f) => [f.fileName, f.content])));
  if (report !== '') {
    throw new Error(`dist/${folder} is not what synth renders:\n${report}`);
  }
}

describe('dist/ is the stack snapshot', () => {
  test.each(ENVIRONMENT_NAMES.map((n) => [n]))('dist/%s is byte for byte a fresh synth', (name) => {
    expectCommitted(name, fresh(name));
  });

  test('dist/argocd is byte for byte a fresh synth', () => {
    const environments = ENVIRONMENT_NAMES.map((name) => ({ config: loadEnvironment(name), files: fresh(name) }));
    expectCommitted(GITOPS_FOLDER, renderGitOps(environments));
  });
});

describe('compareWithCommitted', () => {
  const committed = committedFiles(path.join(DIST, 'prod'));
  const web = committed.get('web.k8s.yaml')!;

  test('reports nothing for identical files', () => {
    expect(committed.size).toBeGreaterThan(0);
    expect(compareWithCommitted('dist/prod', committed, new Map(committed))).toBe('');
  });

  test('fails when a field changed: names the file, the object and field, shows the lines and says what to run', () => {
    const changed = new Map(committed).set('web.k8s.yaml', web.replace('maxReplicas: 10', 'maxReplicas: 12'));
    const report = compareWithCommitted('dist/prod', committed, changed);
    expect(report).toContain('dist/prod/web.k8s.yaml: differs from a fresh synth');
    expect(report).toContain('~ HorizontalPodAutoscaler ecommerce/laravel-blue-hpa');
    expect(report).toContain('spec.maxReplicas: 10 -> 12');
    expect(report).toMatch(/^ +- +maxReplicas: 10$/m);
    expect(report).toMatch(/^ +\+ +maxReplicas: 12$/m);
    expect(report.endsWith(STALE_DIST_HINT)).toBe(true);
  });

  test('fails when a file is missing or extra', () => {
    const fewer = new Map(committed);
    fewer.delete('web.k8s.yaml');
    expect(compareWithCommitted('dist/prod', committed, fewer)).toContain('dist/prod/web.k8s.yaml: committed, but synth no longer renders it');
    expect(compareWithCommitted('dist/prod', fewer, committed)).toContain('dist/prod/web.k8s.yaml: not committed (synth renders it)');
  });

  test('fails on a byte-level difference that changes no object', () => {
    const report = compareWithCommitted('dist/prod', committed, new Map(committed).set('web.k8s.yaml', `${web}\n`));
    expect(report).toContain('dist/prod/web.k8s.yaml: differs from a fresh synth');
    expect(report).toContain(STALE_DIST_HINT);
  });
});
