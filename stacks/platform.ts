import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretReferences } from '../lib/secret-references';
import { AlertingStack } from './alerting-stack';
import { EnvironmentConfig } from './environments';
import { WebStack } from './web-stack';

/** The charts of one environment. */
export interface EnvironmentStacks {
  /** Root construct named after the environment; every construct path starts with it (`prod/Web/...`). */
  readonly root: Construct;

  /** The web tier chart (`web.k8s.yaml`). */
  readonly web: WebStack;

  /** Alert rules, SLOs and Alertmanager routing (`alerting.k8s.yaml`). */
  readonly alerting: AlertingStack;

  /** Every Secret and key the environment's manifests reference. */
  readonly secrets: SecretReferences;
}

/** Builds every chart of one environment into `app`. */
export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const root = new Construct(app, config.name);
  const web = new WebStack(root, 'Web', { config });
  const alerting = new AlertingStack(root, 'Alerting', { config, blueGreenApps: [web.laravel] });
  return { root, web, alerting, secrets: SecretReferences.of(root) };
}
