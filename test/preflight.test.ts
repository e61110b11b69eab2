import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { renderCharts } from '../lib/render/manifest-writer';
import { PreflightContract, buildPreflight, renderPreflightScript } from '../lib/delivery/preflight';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

function contractOf(name: EnvironmentName): PreflightContract {
  const stacks = buildEnvironment(new App(), ENVIRONMENTS[name]);
  return buildPreflight({ environment: name, context: ENVIRONMENTS[name].gitops.cluster, files: renderCharts(stacks.root), secrets: stacks.secrets.list() });
}

/** kubectl answers of a cluster where every check passes, keyed by the JSON of the arguments. */
function healthyCluster(contract: PreflightContract): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const c of contract.checks) {
    const key = JSON.stringify(c.args);
    const previous = answers[key] === undefined ? [] : answers[key].split('\n').filter((l) => l !== '');
    const value = c.expect.type === 'equals' ? [c.expect.value] : c.expect.type === 'lists' ? [...c.expect.values] : [];
    answers[key] = [...previous, ...value, 'unrelated-line'].join('\n') + '\n';
    if (c.expect.type === 'equals') {
      answers[key] = c.expect.value;
    }
  }
  return answers;
}

/** Runs the generated script with a fake kubectl (node) that answers from `answers`, or fails as NotFound. */
function runScript(contract: PreflightContract, answers: Record<string, string>): { status: number | null; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
  fs.writeFileSync(path.join(dir, 'kubectl'), `#!${process.execPath}
const answers = require(${JSON.stringify(path.join(dir, 'answers.json'))});
const key = JSON.stringify(process.argv.slice(2));
if (answers[key] === undefined) { process.stderr.write('Error from server (NotFound)\\n'); process.exit(1); }
process.stdout.write(answers[key]);
`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'preflight.sh'), renderPreflightScript(contract), { mode: 0o755 });
  const result = spawnSync('bash', [path.join(dir, 'preflight.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout };
}

describe('preflight contract', () => {
  const prod = contractOf('prod');
  const descriptions = prod.checks.map((c) => `${c.severity} ${c.description}`);

  test('checks the seed\'s list from the construct tree: context, namespaces, Secrets with keys, ConfigMaps, PVCs, CRDs, TLS', () => {
    expect(prod.checks[0]).toEqual({ severity: 'error', description: 'kubectl context is production-cluster', args: ['config', 'current-context'], expect: { type: 'equals', value: 'production-cluster' } });
    expect(descriptions).toEqual(expect.arrayContaining([
      'error Namespace ecommerce exists',
      'error Secret ecommerce/laravel-secrets exists with keys app-key, db-host, db-password, db-user',
      'error Secret ecommerce/stripe-api-keys exists with keys secret-key, webhook-secret',
      'error Secret ecommerce/redis-password exists with keys password',
      'warning ConfigMap ecommerce/laravel-config exists',
      'warning ConfigMap ecommerce/nginx-config exists',
      'warning PVC ecommerce/mysql-pvc is Bound',
      'warning PVC ecommerce/redis-pvc is Bound',
      'error StorageClass fast-ssd exists',
      'error CRDs serve cert-manager.io/v1 (Certificate)',
      'error ClusterIssuer letsencrypt-prod of Certificate ecommerce/ecommerce-tls exists',
      'warning Certificate ecommerce/ecommerce-tls is Ready',
    ]));
  });

  test('follows the environment: staging needs the Chaos Mesh and prometheus-operator CRDs, dev has its own context', () => {
    const staging = contractOf('staging').checks.map((c) => c.description);
    expect(staging).toContain('CRDs serve chaos-mesh.org/v1alpha1 (PodChaos)');
    expect(staging.some((d) => d.startsWith('CRDs serve monitoring.coreos.com/v1 ('))).toBe(true);
    expect(descriptions.some((d) => d.includes('chaos-mesh.org'))).toBe(false);
    expect(contractOf('dev').context).toBe('dev-cluster');
  });
});

describe('generated preflight.sh against fixture kubectl answers', () => {
  const prod = contractOf('prod');
  const healthy = healthyCluster(prod);

  test('a healthy cluster passes every check and exits 0', () => {
    const result = runScript(prod, healthy);
    expect(result.stdout).toContain(`prod: 0 failed, 0 warning(s), ${prod.checks.length} checks`);
    expect(result.stdout).not.toMatch(/^(FAIL|WARN)/m);
    expect(result.status).toBe(0);
  });

  test('a missing Secret key fails with its name', () => {
    const key = JSON.stringify(prod.checks.find((c) => c.description.startsWith('Secret ecommerce/laravel-secrets'))!.args);
    const result = runScript(prod, { ...healthy, [key]: 'app-key\ndb-host\ndb-user\n' });
    expect(result.stdout).toContain('FAIL  Secret ecommerce/laravel-secrets exists with keys app-key, db-host, db-password, db-user: missing db-password\n');
    expect(result.status).toBe(1);
  });

  test('the wrong context and a missing Secret fail; a pending PVC only warns', () => {
    const secret = JSON.stringify(prod.checks.find((c) => c.description.startsWith('Secret ecommerce/stripe-api-keys'))!.args);
    const pvc = JSON.stringify(['get', 'pvc', 'redis-pvc', '-n', 'ecommerce', '-o', 'jsonpath={.status.phase}']);
    const answers: Record<string, string> = { ...healthy, [JSON.stringify(['config', 'current-context'])]: 'minikube', [pvc]: 'Pending' };
    delete answers[secret];
    const result = runScript(prod, answers);
    expect(result.stdout).toContain("FAIL  kubectl context is production-cluster: got 'minikube'\n");
    expect(result.stdout).toContain('FAIL  Secret ecommerce/stripe-api-keys exists with keys secret-key, webhook-secret: not found\n');
    expect(result.stdout).toContain("WARN  PVC ecommerce/redis-pvc is Bound: got 'Pending'\n");
    expect(result.stdout).toContain(`prod: 2 failed, 1 warning(s), ${prod.checks.length} checks`);
    expect(result.status).toBe(1);
  });

  test('a missing CRD fails', () => {
    const result = runScript(prod, { ...healthy, [JSON.stringify(['api-versions'])]: 'v1\napps/v1\n' });
    expect(result.stdout).toContain('FAIL  CRDs serve cert-manager.io/v1 (Certificate): missing cert-manager.io/v1\n');
    expect(result.status).toBe(1);
  });
});
