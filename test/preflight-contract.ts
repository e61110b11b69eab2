import { App } from 'cdk8s';
import { renderCharts } from '../lib/render/manifest-writer';
import { PreflightContract, buildPreflight } from '../lib/delivery/preflight';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

const contracts = new Map<EnvironmentName, PreflightContract>();

/** The preflight contract of a shipped environment, built from its construct tree once per test file. */
export function contractOf(name: EnvironmentName): PreflightContract {
  if (!contracts.has(name)) {
    const stacks = buildEnvironment(new App(), ENVIRONMENTS[name]);
    contracts.set(name, buildPreflight({ environment: name, context: ENVIRONMENTS[name].gitops.cluster, files: renderCharts(stacks.root), secrets: stacks.secrets.list(), requirements: stacks.requirements.list() }));
  }
  return contracts.get(name)!;
}
