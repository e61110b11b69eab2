import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

/**
 * What a consumer gets from the stock cdk8s path: the environment built into a plain `App` and written
 * by `app.synth()`, no renderer of ours involved. It must be exactly the committed `dist/<env>`.
 */
const dist = path.join(__dirname, '..', 'dist');

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string } };

/** Every object of every YAML file in `dir` (recursively), keyed by kind, namespace and name. */
function objectsIn(dir: string): Map<string, string> {
  const objects = new Map<string, string>();
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.k8s.yaml'));
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as Doc | null;
      if (obj === null) {
        continue;
      }
      const key = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
      if (objects.has(key)) {
        throw new Error(`${key} appears twice in ${dir}`);
      }
      objects.set(key, JSON.stringify(obj));
    }
  }
  return objects;
}

describe.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('stock App.synth() of %s', (name) => {
  test('writes exactly the objects of dist/<env>, NetworkPolicies and sync waves included', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `stock-${name}-`));
    try {
      const app = new App({ outdir });
      buildEnvironment(app, ENVIRONMENTS[name]);
      app.synth();
      const stock = objectsIn(outdir);
      const committed = objectsIn(path.join(dist, name));
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
