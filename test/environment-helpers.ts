/**
 * Helpers over the environments: their rendered files and objects, and altered copies of their
 * configuration. Separate from helpers.ts so that construct-level tests do not load the stacks.
 */
import { ManifestFile } from '../lib/render/manifest-writer';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName } from '../stacks/config';
import { renderEnvironment } from '../stacks/synthesize';
import { K8sObject } from './helpers';
import { shippedRender } from './shipped-renders';

const rendered = new Map<EnvironmentConfig, ManifestFile[]>();

/**
 * The manifest files of a configuration, rendered once per test file: most tests read the same shipped
 * environments, and a render is the expensive part of a test. Callers must not modify what they get.
 */
export function renderedFiles(config: EnvironmentConfig): ManifestFile[] {
  let files = rendered.get(config);
  if (files === undefined) {
    // A shipped environment, unchanged, was rendered once for the whole run by jest's global setup.
    const shipped = ENVIRONMENTS[config.name] === config ? shippedRender(config.name) : undefined;
    files = shipped ?? renderEnvironment(config);
    rendered.set(config, files);
  }
  return files;
}

/** Every object of an environment, in file order. */
export function synthObjects(config: EnvironmentConfig): K8sObject[] {
  return renderedFiles(config).flatMap((f) => f.objects as K8sObject[]);
}

/** The objects of each shipped environment, rendered once per test file. */
export function shippedEnvironments(): Array<[EnvironmentName, K8sObject[]]> {
  return (Object.keys(ENVIRONMENTS) as EnvironmentName[]).map((name) => [name, synthObjects(ENVIRONMENTS[name])]);
}

/** A copy of an environment with some web-tier fields replaced. */
export function withWeb(name: EnvironmentName, web: Partial<EnvironmentConfig['web']>, rest: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  const base = ENVIRONMENTS[name];
  return { ...base, ...rest, web: { ...base.web, ...web } };
}
