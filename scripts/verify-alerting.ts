/**
 * Proves the alerting that dist/ ships, with the real Prometheus and Alertmanager tools:
 *
 *   1. extracts, per environment, the rule files (ConfigMap `prometheus-rules` or PrometheusRule) and the
 *      Alertmanager configuration (ConfigMap `alertmanager-config`, a Secret in operator mode) from dist/<env>/alerting.k8s.yaml into a
 *      temporary directory;
 *   2. `promtool check rules` on every rule file;
 *   3. writes the unit tests the constructs declare (every alert: a series that fires it after its `for`,
 *      one that must not; SLO alerts at each burn-rate tier) next to them and runs `promtool test rules`;
 *      an alert in dist/ without both kinds of test fails the run;
 *   4. `amtool check-config`, then `amtool config routes test` proving that a critical, a warning and an
 *      info alert (and the Watchdog) reach their receivers.
 *
 * promtool and amtool come from Debian's `prometheus` and `prometheus-alertmanager` packages (.ci/run
 * installs them). Usage: npm run verify [-- <dist folder>]
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ALWAYS_FIRING_ALERTS } from '../lib/alerting/alert-rules';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { ENVIRONMENT_NAMES, loadEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

type Manifest = { kind?: string; metadata?: { name?: string }; data?: Record<string, string>; stringData?: Record<string, string>; spec?: { groups?: Array<{ name: string }> } };

const root = path.resolve(__dirname, '..', '..');
const distDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const ALERTING_FILE = 'alerting.k8s.yaml';

/** A `promtool test rules` run, deduplicated: environments often ship identical groups and tests. */
interface UnitTestJob {
  readonly envs: string[];
  readonly dir: string;
  readonly testFile: string;
}

function runAsync(tool: string, args: string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { cwd });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

function run(tool: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error(`${tool} could not be started (${result.error.message}); install Debian's prometheus and prometheus-alertmanager packages`);
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** JSON with object keys sorted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Rule files and the Alertmanager configuration of one environment's alerting manifest. */
function extract(file: string): { rules: Record<string, string>; alertmanager?: string } {
  const rules: Record<string, string> = {};
  let alertmanager: string | undefined;
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const obj = doc.toJS() as Manifest;
    if (obj.kind === 'ConfigMap' && obj.metadata?.name === MonitoringNames.RULES_CONFIG_MAP) {
      Object.assign(rules, obj.data ?? {});
    } else if (obj.kind === 'PrometheusRule') {
      for (const group of obj.spec?.groups ?? []) {
        rules[`${group.name}.yaml`] = YAML.stringify({ groups: [group] });
      }
    } else if (obj.kind === 'ConfigMap' && obj.metadata?.name === MonitoringNames.ALERTMANAGER_CONFIG) {
      alertmanager = Object.values(obj.data ?? {})[0];
    } else if (obj.kind === 'Secret' && obj.metadata?.name === MonitoringNames.ALERTMANAGER_CONFIG) {
      // Operator mode: the Prometheus Operator reads the configuration from a Secret.
      alertmanager = Object.values(obj.stringData ?? {})[0];
    }
  }
  return { rules, alertmanager };
}

function verifyEnvironment(env: string, work: string, jobs: Map<string, UnitTestJob>): string[] {
  const failures: string[] = [];
  const fail = (what: string, output = '') => failures.push(`${env}: ${what}${output ? `\n${output.replace(/^/gm, '    ')}` : ''}`);
  const { rules, alertmanager } = extract(path.join(distDir, env, ALERTING_FILE));
  const dir = path.join(work, env);
  fs.mkdirSync(dir, { recursive: true });

  const ruleFiles = Object.keys(rules).sort();
  for (const name of ruleFiles) {
    fs.writeFileSync(path.join(dir, name), rules[name]);
  }
  if (ruleFiles.length === 0) {
    fail('no rule files found in dist');
  } else {
    const check = run('promtool', ['check', 'rules', ...ruleFiles], dir);
    if (!check.ok) {
      fail('promtool check rules failed', check.output);
    }
  }

  // The tests come from the constructs that declared the rules; the rules under test come from dist/.
  const stacks = buildEnvironment(new App(), loadEnvironment(env));
  const declared = stacks.alerting.rules;
  const shipped = new Set(ruleFiles.flatMap((name) => {
    const groups = (YAML.parse(rules[name]) as { groups: Array<{ rules: Array<{ alert?: string }> }> }).groups;
    return groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => a !== undefined));
  }));
  const untested = new Set(declared.untestedAlerts());
  const declaredAlerts = new Set(declared.catalogue.groups().flatMap((g) => g.rules.map((r) => r.alert)));
  for (const alert of [...shipped].sort()) {
    if (!declaredAlerts.has(alert)) {
      fail(`alert ${alert} is in dist/ but no construct declares it: dist/ is stale, run npm run synth`);
    } else if (untested.has(alert)) {
      fail(`alert ${alert} needs a unit test in which it fires and one in which it stays silent${ALWAYS_FIRING_ALERTS.includes(alert) ? ' (fires by design: a firing test only)' : ''}`);
    }
  }
  const testFiles = declared.unitTests();
  let cases = 0;
  for (const test of testFiles) {
    if (!ruleFiles.includes(test.ruleFile)) {
      fail(`${test.ruleFile} is declared but missing from dist/: dist/ is stale, run npm run synth`);
      continue;
    }
    const content = YAML.stringify(test.content);
    fs.writeFileSync(path.join(dir, test.fileName), content);
    cases += (test.content.tests as unknown[]).length;
    // Keyed on the parsed rules, so a group rendered into a PrometheusRule and into a ConfigMap (different
    // YAML text, same rules) runs once.
    const key = crypto.createHash('sha256').update(canonical(YAML.parse(rules[test.ruleFile]))).update('\0').update(content).digest('hex');
    const job = jobs.get(key);
    if (job === undefined) {
      jobs.set(key, { envs: [env], dir, testFile: test.fileName });
    } else {
      job.envs.push(env);
    }
  }

  if (alertmanager === undefined) {
    fail(`ConfigMap (or, in operator mode, Secret) ${MonitoringNames.ALERTMANAGER_CONFIG} not found in dist`);
  } else {
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanager);
    const check = run('amtool', ['check-config', 'alertmanager.yml'], dir);
    if (!check.ok) {
      fail('amtool check-config failed', check.output);
    }
    let routed = 0;
    for (const expectation of stacks.alerting.routing.routeExpectations) {
      const labels = Object.entries(expectation.labels).map(([k, v]) => `${k}=${v}`);
      const route = run('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', `--verify.receivers=${expectation.receivers.join(',')}`, ...labels], dir);
      if (!route.ok) {
        fail(`alert {${labels.join(', ')}} does not reach exactly ${expectation.receivers.join(', ')}`, route.output);
      } else {
        routed++;
      }
    }
    process.stdout.write(`verify-alerting: ${env}: ${routed} of ${stacks.alerting.routing.routeExpectations.length} test alerts reach exactly their receivers\n`);
  }
  process.stdout.write(`verify-alerting: ${env}: ${ruleFiles.length} rule files, ${shipped.size} alerts, ${cases} promtool test cases in ${testFiles.length} files\n`);
  return failures;
}

/** Runs the unit-test files, as many at once as there are CPUs. */
async function runUnitTests(jobs: UnitTestJob[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const result = await runAsync('promtool', ['test', 'rules', job.testFile], job.dir);
      if (!result.ok) {
        failures.push(`${job.envs.join(', ')}: promtool test rules ${job.testFile} failed\n${result.output.replace(/^/gm, '    ')}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, os.cpus().length) }, worker));
  return failures.sort();
}

async function main(): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-alerting-'));
  try {
    const envs = ENVIRONMENT_NAMES.filter((env) => fs.existsSync(path.join(distDir, env, ALERTING_FILE)));
    if (envs.length === 0) {
      process.stderr.write(`verify-alerting: no ${ALERTING_FILE} under ${distDir}\n`);
      return 1;
    }
    const jobs = new Map<string, UnitTestJob>();
    const failures = envs.flatMap((env) => verifyEnvironment(env, work, jobs));
    const started = Date.now();
    failures.push(...await runUnitTests([...jobs.values()]));
    process.stdout.write(`verify-alerting: ${jobs.size} distinct promtool test files run in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (failures.length > 0) {
      process.stderr.write(`verify-alerting: ${failures.length} failure(s):\n  ${failures.join('\n  ')}\n`);
      return 1;
    }
    process.stdout.write(`verify-alerting: ${envs.join(', ')} pass promtool check/test rules and amtool check-config/routes test\n`);
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (error: Error) => {
  process.stderr.write(`verify-alerting: ${error.message}\n`);
  process.exitCode = 1;
});
