/**
 * Everything that differs between dev, staging and prod: the loader and the re-exported types.
 *
 * Stacks read these values and pass them to constructs as props; nothing else in the repository branches
 * on an environment's name. Seed 004's environment matrix is the starting point (replicas, resources, log
 * level, debug mode); seed 000 gives production's sizes, probes, images and HPA.
 */
import { ValidationError } from '../../lib/core/errors';

import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import { EnvironmentConfig, EnvironmentName } from './types';
import { validateEnvironment, validateRelease } from './validate';
import { RELEASES } from './releases';

export { HOTFIXES, RELEASES } from './releases';
export * from './types';
export { validateEnvironment, validateRelease } from './validate';

/** The configuration of every environment, by name. */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };

/**
 * Returns an environment's configuration after validating it.
 *
 * @throws ValidationError for an unknown name or a wrong value, naming the environment and the field
 */
export function loadEnvironment(name: string, environments: Readonly<Record<string, EnvironmentConfig>> = ENVIRONMENTS): EnvironmentConfig {
  const config = Object.prototype.hasOwnProperty.call(environments, name) ? environments[name] : undefined;
  if (config === undefined) {
    const known = Object.keys(environments).map((n) => JSON.stringify(n)).join(', ');
    throw new ValidationError('environments', 'name', `unknown environment ${JSON.stringify(name)}; expected one of ${known}`);
  }
  if (environments === ENVIRONMENTS) {
    // The shipped environments read their release line: name a mistake there by its own key.
    validateRelease(name, RELEASES[name as EnvironmentName]);
  }
  validateEnvironment(name, config);
  return config;
}
