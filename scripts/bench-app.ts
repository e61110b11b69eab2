/**
 * Benchmark app: one environment holding BENCH_APPS BlueGreenApps (default 10), rendered, checked by the
 * policy pass and written to $CDK8S_OUTDIR/bench/. scripts/bench.ts uses it to measure how synth time
 * grows with the tree.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { renderCharts, writeFoldersAtomically } from '../lib/render/manifest-writer';
import { Policy } from '../lib/safety/policy';
import { RegistryOwner } from '../lib/core/registry-owner';
import { ENVIRONMENTS } from '../stacks/config';

const count = Number(process.env.BENCH_APPS ?? '10');
const outdir = process.env.CDK8S_OUTDIR ?? 'build/bench-out';
const web = ENVIRONMENTS.prod.web;

const root = new Construct(new App(), 'bench');
RegistryOwner.declare(root);
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
const files = renderCharts(root);
// The same gate as a real synth, so the benchmark measures the whole pipeline.
Policy.of(root).check(files, { warnings: [] }).throwIfErrors(root.node.path);
writeFoldersAtomically(outdir, new Map([['bench', files]]));
