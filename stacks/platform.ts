import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretReferences } from '../lib/secret-references';
import { BackupStack } from './backup-stack';
import { EnvironmentConfig } from './environments';
import { WebStack } from './web-stack';

/** The charts of one environment. */
export interface EnvironmentStacks {
  /** Root construct named after the environment; every construct path starts with it (`prod/Web/...`). */
  readonly root: Construct;

  /** The web tier chart (`web.k8s.yaml`). */
  readonly web: WebStack;

  /** The backup chart (`backup.k8s.yaml`); absent when the environment's backups are off. */
  readonly backup?: BackupStack;

  /** Every Secret and key the environment's manifests reference. */
  readonly secrets: SecretReferences;
}

/** Builds every chart of one environment into `app`. */
export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const root = new Construct(app, config.name);
  const web = new WebStack(root, 'Web', { config });
  const backup = config.backup.enabled ? new BackupStack(root, 'Backup', { config }) : undefined;
  return { root, web, backup, secrets: SecretReferences.of(root) };
}
