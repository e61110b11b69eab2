/**
 * Proves, with promtool, that every release query dist/ ships says "healthy" on healthy traffic and "failing"
 * on a breach: the verified switch's queries (the hook Job's ERROR_RATIO_QUERY / LATENCY_QUERY against its
 * ERROR_RATIO_MAX / LATENCY_MAX_SECONDS) and every canary AnalysisTemplate metric (its query against the
 * threshold of its successCondition), each evaluated by the release-health recording rules exactly as
 * rendered into dist/<env>/alerting.k8s.yaml.
 *
 * For each query it writes a `promtool test rules` file with three inputs (50 requests/s on the release):
 * healthy (no 5xx, every request within 100 ms), an error breach (2 % 5xx) and a latency breach (every request
 * between 200 and 500 ms), and asserts which side of the threshold the query lands on in each. A fourth input,
 * the release's series present but without a request, proves the query returns no sample at all: neither
 * side of the threshold (an analysis measurement is then Inconclusive, README "Progressive delivery").
 * Usage: npm run verify:release [-- <dist folder>]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

type Obj = { kind?: string; metadata?: { name?: string; namespace?: string }; data?: Record<string, string>; spec?: Record<string, unknown> };

const root = path.resolve(__dirname, '..', '..');
const distDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const CANARY_HASH = '5d8f7c9b4';

interface ReleaseQuery {
  readonly what: string;
  readonly query: string;
  readonly max: number;
  readonly kind: 'errors' | 'latency';
  /** Labels of the release's series (namespace and release label). */
  readonly namespace: string;
  readonly releaseLabel: string;
  readonly releaseValue: string;
}

function docs(file: string): Obj[] {
  return fs.existsSync(file) ? YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj).filter((o) => o !== null) : [];
}

function releaseRuleFiles(alerting: Obj[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const o of alerting) {
    if (o.kind === 'ConfigMap' && o.data !== undefined) {
      for (const [k, v] of Object.entries(o.data)) {
        if (k.startsWith('release-health-')) {
          files[k] = v;
        }
      }
    } else if (o.kind === 'PrometheusRule') {
      for (const g of (o.spec?.groups ?? []) as Array<{ name: string }>) {
        if (g.name.startsWith('release-health-')) {
          files[`${g.name}.yaml`] = YAML.stringify({ groups: [g] });
        }
      }
    }
  }
  return files;
}

/** `release:...{slo="x",label="value"}` -> label and value of the release matcher. */
function releaseMatcher(query: string): { label: string; value: string } {
  const matchers = [...query.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].filter((m) => m[1] !== 'slo');
  if (matchers.length !== 1) {
    throw new Error(`cannot tell the release label of ${query}`);
  }
  return { label: matchers[0][1], value: matchers[0][2] };
}

function queriesOf(env: string): ReleaseQuery[] {
  const out: ReleaseQuery[] = [];
  const delivery = docs(path.join(distDir, env, 'delivery.k8s.yaml'));
  for (const job of delivery.filter((o) => o.kind === 'Job' && /-verify-switch$/.test(o.metadata?.name ?? ''))) {
    const spec = job.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } };
    const e = Object.fromEntries(spec.template.spec.containers[0].env.map((v) => [v.name, v.value]));
    for (const [kind, query, max] of [['errors', e.ERROR_RATIO_QUERY, e.ERROR_RATIO_MAX], ['latency', e.LATENCY_QUERY, e.LATENCY_MAX_SECONDS]] as const) {
      const { label, value } = releaseMatcher(query);
      out.push({ what: `${env} Job/${job.metadata!.name} ${kind}`, query, max: Number(max), kind, namespace: e.NAMESPACE, releaseLabel: label, releaseValue: value });
    }
  }
  for (const template of delivery.filter((o) => o.kind === 'AnalysisTemplate')) {
    const metrics = (template.spec?.metrics ?? []) as Array<{ name: string; successCondition: string; provider: { prometheus: { query: string } } }>;
    for (const m of metrics) {
      const threshold = /result\[0\] <= ([0-9.e-]+)$/.exec(m.successCondition);
      if (threshold === null) {
        throw new Error(`${env} AnalysisTemplate/${template.metadata!.name} ${m.name}: unexpected successCondition ${m.successCondition}`);
      }
      const query = m.provider.prometheus.query.replace(/\{\{args\.[a-z-]+\}\}/g, CANARY_HASH);
      const { label, value } = releaseMatcher(query);
      const kind = query.includes(':release_error_ratio:') ? 'errors' : 'latency';
      out.push({ what: `${env} AnalysisTemplate/${template.metadata!.name} ${m.name}`, query, max: Number(threshold[1]), kind, namespace: template.metadata!.namespace ?? 'default', releaseLabel: label, releaseValue: value });
    }
  }
  return out;
}

type Scenario = 'healthy' | 'errors' | 'latency' | 'idle';

/** 15 s samples for 10 minutes: 750 requests per sample (50/s), or none (`idle`). */
function inputs(q: ReleaseQuery, scenario: Scenario): Array<{ series: string; values: string }> {
  const labels = `namespace="${q.namespace}",${q.releaseLabel}="${q.releaseValue}"`;
  const counter = (perStep: number) => `0+${scenario === 'idle' ? 0 : perStep}x40`;
  const failed = scenario === 'errors' ? 15 : 0;
  // Healthy and error cases: every request within 100 ms; latency breach: every request between 200 and 500 ms.
  const within = (le: number) => (scenario === 'latency' ? le >= 0.5 : le >= 0.1);
  const buckets = [0.05, 0.1, 0.2, 0.5, 1];
  return [
    { series: `http_requests_total{${labels},status="200"}`, values: counter(750 - failed) },
    { series: `http_requests_total{${labels},status="503"}`, values: counter(failed) },
    ...buckets.map((le) => ({ series: `http_request_duration_seconds_bucket{${labels},le="${le}"}`, values: counter(within(le) ? 750 : 0) })),
    { series: `http_request_duration_seconds_bucket{${labels},le="+Inf"}`, values: counter(750) },
    { series: `http_request_duration_seconds_count{${labels}}`, values: counter(750) },
  ];
}

function testFile(ruleFiles: string[], queries: ReleaseQuery[]): string {
  const tests = queries.flatMap((q) => (['healthy', 'errors', 'latency', 'idle'] as const).map((scenario) => {
    if (scenario === 'idle') {
      return {
        name: `${q.what}: no traffic reads neither healthy nor failing`,
        interval: '15s',
        input_series: inputs(q, scenario),
        promql_expr_test: [
          { expr: `count(${q.query})`, eval_time: '5m', exp_samples: [] },
        ],
      };
    }
    const failing = scenario === q.kind;
    return {
      name: `${q.what}: ${scenario} traffic reads ${failing ? 'failing' : 'healthy'}`,
      interval: '15s',
      input_series: inputs(q, scenario),
      promql_expr_test: [
        { expr: `count(${q.query} <= ${q.max})`, eval_time: '5m', exp_samples: failing ? [] : [{ labels: '{}', value: 1 }] },
        { expr: `count(${q.query} > ${q.max})`, eval_time: '5m', exp_samples: failing ? [{ labels: '{}', value: 1 }] : [] },
      ],
    };
  }));
  return YAML.stringify({ rule_files: ruleFiles, evaluation_interval: '15s', tests });
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-release-'));
  const failures: string[] = [];
  let proven = 0;
  try {
    for (const env of fs.readdirSync(distDir).filter((d) => fs.existsSync(path.join(distDir, d, 'alerting.k8s.yaml'))).sort()) {
      const queries = queriesOf(env);
      if (queries.length === 0) {
        continue;
      }
      const dir = path.join(work, env);
      fs.mkdirSync(dir);
      const rules = releaseRuleFiles(docs(path.join(distDir, env, 'alerting.k8s.yaml')));
      if (Object.keys(rules).length === 0) {
        failures.push(`${env}: release queries ship, but no release-health rule group`);
        continue;
      }
      for (const [name, text] of Object.entries(rules)) {
        fs.writeFileSync(path.join(dir, name), text);
      }
      fs.writeFileSync(path.join(dir, 'release-tests.yaml'), testFile(Object.keys(rules).sort(), queries));
      const result = spawnSync('promtool', ['test', 'rules', 'release-tests.yaml'], { cwd: dir, encoding: 'utf8' });
      if (result.error !== undefined) {
        throw new Error(`promtool could not be started (${result.error.message}); install Debian's prometheus package`);
      }
      if (result.status !== 0) {
        failures.push(`${env}: promtool test rules failed\n${`${result.stdout}${result.stderr}`.trim().replace(/^/gm, '    ')}`);
      } else {
        proven += queries.length;
        process.stdout.write(`verify-release-health: ${env}: ${queries.length} queries x 4 scenarios pass (${queries.map((q) => q.what.slice(env.length + 1)).join('; ')})\n`);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    process.stderr.write(`${failures.join('\n')}\n`);
    process.exit(1);
  }
  if (proven === 0) {
    process.stderr.write('verify-release-health: no release query found in dist/: nothing was proven\n');
    process.exit(1);
  }
}

main();
