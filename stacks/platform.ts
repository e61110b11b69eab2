import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretReferences } from '../lib/secret-references';
import { EnvironmentConfig } from './environments';
import { NetworkStack } from './network-stack';
import { WebStack } from './web-stack';

/** The charts of one environment. */
export interface EnvironmentStacks {
  /** Root construct named after the environment; every construct path starts with it (`prod/Web/...`). */
  readonly root: Construct;

  /** The web tier chart (`web.k8s.yaml`). */
  readonly web: WebStack;

  /** The derived NetworkPolicies (`network.k8s.yaml`); they cover every chart, whatever its position. */
  readonly network: NetworkStack;

  /** Every Secret and key the environment's manifests reference. */
  readonly secrets: SecretReferences;
}

/** Builds every chart of one environment into `app`. */
export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const root = new Construct(app, config.name);
  const web = new WebStack(root, 'Web', { config });
  const network = new NetworkStack(root, 'Network', { config });
  return { root, web, network, secrets: SecretReferences.of(root) };
}
