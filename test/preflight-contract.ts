import { App } from 'cdk8s';
import { PreflightContract, buildPreflight } from '../lib/delivery/preflight';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { renderedFiles } from './environment-helpers';

const contracts = new Map<EnvironmentName, PreflightContract>();

/**
 * The preflight contract of a shipped environment, built from its construct tree and its rendered files
 * (the run's render of the shipped environment) once per test file.
 */
export function contractOf(name: EnvironmentName): PreflightContract {
  if (!contracts.has(name)) {
    const stacks = buildEnvironment(new App(), ENVIRONMENTS[name]);
    contracts.set(name, buildPreflight({ environment: name, context: ENVIRONMENTS[name].gitops.cluster, files: renderedFiles(ENVIRONMENTS[name]), secrets: stacks.secrets.list(), requirements: stacks.requirements.list() }));
  }
  return contracts.get(name)!;
}
