/**
 * Benchmark app: one environment holding BENCH_APPS BlueGreenApps (default 10), written to
 * $CDK8S_OUTDIR/bench/. Used by scripts/bench.ts to measure how synth time grows with the tree.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BlueGreenApp } from '../lib/blue-green-app';
import { renderCharts, writeFoldersAtomically } from '../lib/manifest-writer';
import { ENVIRONMENTS } from '../stacks/environments';

const count = Number(process.env.BENCH_APPS ?? '10');
const outdir = process.env.CDK8S_OUTDIR ?? 'build/bench-out';
const web = ENVIRONMENTS.prod.web;

const root = new Construct(new App(), 'bench');
const chart = new Chart(root, 'Apps', { namespace: 'ecommerce', disableResourceNameHashes: true });
for (let i = 1; i <= count; i++) {
  const name = `shop-${String(i).padStart(4, '0')}`;
  new BlueGreenApp(chart, name, {
    name,
    partOf: 'ecommerce',
    imageRepository: web.imageRepository,
    blueImageTag: web.blueImageTag,
    greenImageTag: web.greenImageTag,
    liveColour: i % 2 === 0 ? 'green' : 'blue',
    resources: web.resources,
    autoscaling: web.autoscaling,
    idleReplicas: web.idleReplicas,
  });
}
writeFoldersAtomically(outdir, new Map([['bench', renderCharts(root)]]));
