import { App } from 'cdk8s';
import { renderCharts } from '../lib/render/manifest-writer';
import { PreflightContract, buildPreflight } from '../lib/delivery/preflight';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

/** The preflight contract of a shipped environment, built from its construct tree. */
export function contractOf(name: EnvironmentName): PreflightContract {
  const stacks = buildEnvironment(new App(), ENVIRONMENTS[name]);
  return buildPreflight({ environment: name, context: ENVIRONMENTS[name].gitops.cluster, files: renderCharts(stacks.root), secrets: stacks.secrets.list() });
}
