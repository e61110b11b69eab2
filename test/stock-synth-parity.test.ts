import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { renderedFiles } from './environment-helpers';

/**
 * What a consumer gets from the stock cdk8s path: the environment built into a plain `App` and written
 * by `app.synth()`, no renderer of ours involved. It must be exactly what our renderer writes to
 * `dist/<env>`: the objects of this run's render of the shipped environment, which test/dist.test.ts
 * compares with the committed `dist/<env>` byte for byte.
 */

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string } };

/** Objects keyed by kind, namespace and name, each as its JSON text. */
function byKey(docs: Iterable<Doc | null>, where: string): Map<string, string> {
  const objects = new Map<string, string>();
  for (const obj of docs) {
    if (obj === null) {
      continue;
    }
    const key = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    if (objects.has(key)) {
      throw new Error(`${key} appears twice in ${where}`);
    }
    objects.set(key, JSON.stringify(obj));
  }
  return objects;
}

/** Every object of every YAML file in `dir` (recursively). */
function objectsIn(dir: string): Map<string, string> {
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.k8s.yaml'));
  return byKey(files.flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((doc) => doc.toJS() as Doc | null)), dir);
}

describe.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('stock App.synth() of %s', (name) => {
  test('writes exactly the objects our renderer writes to dist/<env>, NetworkPolicies and sync waves included', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `stock-${name}-`));
    try {
      const app = new App({ outdir });
      buildEnvironment(app, ENVIRONMENTS[name]);
      app.synth();
      const stock = objectsIn(outdir);
      const committed = byKey(renderedFiles(ENVIRONMENTS[name]).flatMap((f) => f.objects as Doc[]), `the render of ${name}`);
      expect(committed.size).toBeGreaterThan(0);
      expect([...committed.keys()].some((k) => k.startsWith('NetworkPolicy '))).toBe(true);
      expect([...stock.keys()].sort()).toEqual([...committed.keys()].sort());
      const differing = [...committed].filter(([key, json]) => stock.get(key) !== json).map(([key]) => key);
      expect(differing).toEqual([]);
      const waves = [...stock.values()].filter((json) => json.includes('"argocd.argoproj.io/sync-wave"'));
      expect(waves).toHaveLength(stock.size);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
