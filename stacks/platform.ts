import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretReferences } from '../lib/secret-references';
import { EnvironmentConfig } from './environments';
import { MonitoringExportersStack, MonitoringStack } from './monitoring-stack';
import { WebStack } from './web-stack';

/** The charts of one environment. */
export interface EnvironmentStacks {
  /** Root construct named after the environment; every construct path starts with it (`prod/Web/...`). */
  readonly root: Construct;

  /** The web tier chart (`web.k8s.yaml`). */
  readonly web: WebStack;

  /** Monitoring in namespace `monitoring` (`monitoring.k8s.yaml`). */
  readonly monitoring: MonitoringStack;

  /** Exporters beside the servers they watch (`monitoring-exporters.k8s.yaml`). */
  readonly monitoringExporters: MonitoringExportersStack;

  /** Every Secret and key the environment's manifests reference. */
  readonly secrets: SecretReferences;
}

/** Builds every chart of one environment into `app`. */
export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const root = new Construct(app, config.name);
  const web = new WebStack(root, 'Web', { config });
  const monitoringExporters = new MonitoringExportersStack(root, 'MonitoringExporters', { config });
  const monitoring = new MonitoringStack(root, 'Monitoring', { config, exporters: monitoringExporters });
  return { root, web, monitoring, monitoringExporters, secrets: SecretReferences.of(root) };
}
