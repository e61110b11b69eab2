import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PreflightContract, renderPreflightScript } from '../lib/delivery/preflight';
import { contractOf } from './preflight-contract';

// End to end: runs each generated script under bash with a fake kubectl process per call (npm run test:e2e).

/** kubectl answers of a cluster where every check passes, keyed by the JSON of the arguments. */
function healthyCluster(contract: PreflightContract): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const c of contract.checks) {
    const key = JSON.stringify(c.args);
    const previous = answers[key] === undefined ? [] : answers[key].split('\n').filter((l) => l !== '');
    const value = c.expect.type === 'equals' ? [c.expect.value] : c.expect.type === 'succeeds' ? [] : c.expect.type === 'contains' ? [c.expect.values.join('')] : [...c.expect.values];
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

  test('staging: a kube-state-metrics without the annotation allowlist fails and names the Helm value', () => {
    const staging = contractOf('staging');
    const check = staging.checks.find((c) => c.description.startsWith('kube-state-metrics exports'))!;
    const healthyStaging = healthyCluster(staging);
    expect(runScript(staging, healthyStaging).status).toBe(0);
    const result = runScript(staging, { ...healthyStaging, [JSON.stringify(check.args)]: '["--port=8080","--resources=services,pods"]' });
    expect(result.stdout).toContain(`FAIL  ${check.description}: missing --metric-annotations-allowlist= delivery.ecommerce-platform/rollback-reason delivery.ecommerce-platform/rolled-back\n`);
    expect(result.status).toBe(1);
  });
});
