/**
 * Synth benchmark: our runner (scripts/run-bundled.js: a cached esbuild bundle run by node) against the
 * stock cdk8s runner (`cdk8s synth` with `app: npx ts-node ...`) and against `npx tsx` on the same code,
 * interleaved run by run so that machine noise hits all alike.
 *
 * Scenarios: the three shipped environments (main.ts), and one environment holding 10, 100 and 500
 * BlueGreenApps (scripts/bench-app.ts). Prints a Markdown table of wall times (median, min-max), the
 * speed-up, the marginal cost per 1000 objects, checks that our output is byte-identical run to run, and
 * times `npm test` once.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_SKIP_STOCK=1 (also skips tsx), BENCH_SKIP_TESTS=1.
 * Targets: three environments at least 15x faster than the stock runner and 2x faster than tsx; the
 * 500-app case at least 4x faster than the stock runner.
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const runs = Number(process.env.BENCH_RUNS ?? '5');
const skipStock = process.env.BENCH_SKIP_STOCK === '1';
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

interface Scenario {
  readonly label: string;
  readonly entry: string;
  readonly env: Record<string, string>;
}

const scenarios: Scenario[] = [
  { label: '3 environments (main.ts)', entry: 'main.ts', env: {} },
  ...[10, 100, 500].map((n) => ({ label: `1 environment, ${n} BlueGreenApps`, entry: 'scripts/bench-app.ts', env: { BENCH_APPS: String(n) } })),
];

/** Wall time of `command`; its output is shown only when it fails. */
function timed(command: string, env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  try {
    execSync(command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const failed = e as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${failed.stdout?.toString() ?? ''}${failed.stderr?.toString() ?? ''}`);
    throw e;
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function treeText(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.k8s.yaml')) {
        parts.push(`${path.relative(dir, full)}\n${fs.readFileSync(full, 'utf8')}`);
      }
    }
  };
  walk(dir);
  return parts.join('\n');
}

function objectCount(text: string): number {
  return (text.match(/^apiVersion: /gm) ?? []).length;
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const fmt = (s: number) => s.toFixed(3);

function main(): number {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  fs.rmSync(path.join(root, 'build', 'run'), { recursive: true, force: true });
  const cold = timed('node scripts/run-bundled.js main.ts', { CDK8S_OUTDIR: path.join(work, 'cold') });
  const results: Array<{ scenario: Scenario; objects: number; ours: number[]; stock: number[]; tsx: number[] }> = [];
  for (const scenario of scenarios) {
    const outOurs = path.join(work, 'ours');
    const outStock = path.join(work, 'stock');
    const outTsx = path.join(work, 'tsx');
    const ours = `node scripts/run-bundled.js ${scenario.entry}`;
    // Exactly the stock project's runner: cdk8s.yaml's `app: npx ts-node main.ts`.
    const stock = `${bin('cdk8s')} synth --no-check-upgrade --app "npx ts-node ${scenario.entry}" --output ${outStock}`;
    // What a TypeScript user reaches for without a build step: `npx tsx main.ts`.
    const tsx = `npx tsx ${scenario.entry}`;
    const sample = { scenario, objects: 0, ours: [] as number[], stock: [] as number[], tsx: [] as number[] };
    let reference: string | undefined;
    for (let i = 0; i < runs; i++) {
      fs.rmSync(outOurs, { recursive: true, force: true });
      sample.ours.push(timed(ours, { ...scenario.env, CDK8S_OUTDIR: outOurs }));
      const text = treeText(outOurs);
      if (reference !== undefined && text !== reference) {
        process.stderr.write(`bench: output of "${scenario.label}" differs between runs\n`);
        return 1;
      }
      reference = text;
      if (!skipStock) {
        sample.stock.push(timed(stock, scenario.env));
        fs.rmSync(outTsx, { recursive: true, force: true });
        sample.tsx.push(timed(tsx, { ...scenario.env, CDK8S_OUTDIR: outTsx }));
      }
    }
    sample.objects = objectCount(reference ?? '');
    if (!skipStock && (treeText(outStock) !== reference || treeText(outTsx) !== reference)) {
      process.stderr.write(`bench: stock or tsx runner output of "${scenario.label}" differs from ours\n`);
      return 1;
    }
    results.push(sample);
    process.stderr.write(`bench: ${scenario.label} done\n`);
  }

  const lines = [
    `Synth wall time in seconds over ${runs} interleaved runs (median, min-max); output byte-identical across runs and runners.`,
    `Ours reuses its bundle while no source changed; a cold run (bundle rebuilt) took ${fmt(cold)} s for the three environments.`,
    '',
    '| scenario | objects | ours: run-bundled.js | stock: cdk8s synth + npx ts-node | npx tsx | speed-up vs stock | vs tsx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const cell = (samples: number[]) => {
    const s = stats(samples);
    return samples.length > 0 ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : 'skipped';
  };
  const speedUp = (other: number[], ours: number[]) => (other.length > 0 ? `${(stats(other).median / stats(ours).median).toFixed(1)}x` : '-');
  for (const r of results) {
    lines.push(`| ${r.scenario.label} | ${r.objects} | ${cell(r.ours)} | ${cell(r.stock)} | ${cell(r.tsx)} | ${speedUp(r.stock, r.ours)} | ${speedUp(r.tsx, r.ours)} |`);
  }
  const small = results[1];
  const large = results[3];
  const marginal = (a: number[], b: number[]) => ((stats(b).median - stats(a).median) / (large.objects - small.objects)) * 1000;
  lines.push('');
  lines.push(`Marginal cost per 1000 objects (10 -> 500 apps): ours ${fmt(marginal(small.ours, large.ours))} s`
    + (skipStock ? '' : `, stock ${fmt(marginal(small.stock, large.stock))} s`));

  let failed = false;
  if (!skipStock) {
    const ratio = (r: (typeof results)[number], other: 'stock' | 'tsx') => stats(r[other]).median / stats(r.ours).median;
    const targets: Array<[string, number, number]> = [
      ['3 environments vs stock', ratio(results[0], 'stock'), 15],
      ['3 environments vs tsx', ratio(results[0], 'tsx'), 2],
      ['500 apps vs stock', ratio(large, 'stock'), 4],
    ];
    lines.push('');
    for (const [what, got, want] of targets) {
      const ok = got >= want;
      failed ||= !ok;
      lines.push(`Target ${what}: at least ${want}x faster, measured ${got.toFixed(1)}x: ${ok ? 'met' : 'MISSED'}`);
    }
  }
  if (process.env.BENCH_SKIP_TESTS !== '1') {
    const seconds = timed(`${bin('jest')} --silent`, {});
    lines.push('', `npm test (jest, transpile-only): ${fmt(seconds)} s`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  return failed ? 1 : 0;
}

process.exitCode = main();
