import * as path from 'path';
import { App } from 'cdk8s';
import { DeployedManifests, checkColourSwitches } from '../lib/colour-switch';
import { ManifestFile, renderCharts, writeFoldersAtomically } from '../lib/manifest-writer';
import { ValidationError } from '../lib/internal/errors';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentConfig, loadEnvironment } from './environments';
import { buildEnvironment } from './platform';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Folder that receives one sub-folder per environment. */
  readonly outdir: string;

  /**
   * Environments to synthesize.
   *
   * @default - every environment
   */
  readonly names?: readonly string[];

  /**
   * The environment configurations (tests pass altered copies).
   *
   * @default ENVIRONMENTS
   */
  readonly environments?: Readonly<Record<string, EnvironmentConfig>>;
}

/** Renders one environment's manifest files in memory, checking the switch against `deployedDir`. */
export function renderEnvironment(config: EnvironmentConfig, deployedDir?: string): ManifestFile[] {
  const app = new App();
  const { root } = buildEnvironment(app, config);
  const files = renderCharts(root);
  if (deployedDir !== undefined) {
    checkColourSwitches(root, DeployedManifests.fromDirectory(deployedDir));
  }
  return files;
}

/**
 * Synthesizes environments into `outdir/<env>/`, all or nothing.
 *
 * Every environment is rendered and checked in memory first; `outdir` is touched only when all succeeded,
 * so a mistake leaves the previous output byte for byte as it was.
 *
 * @throws ValidationError for a mistake in the configuration or the construct tree
 */
export function synthesize(options: SynthesizeOptions): Map<string, ManifestFile[]> {
  const environments = options.environments ?? ENVIRONMENTS;
  const names = options.names !== undefined && options.names.length > 0 ? options.names : ENVIRONMENT_NAMES;
  const folders = new Map<string, ManifestFile[]>();
  for (const name of names) {
    const config = loadEnvironment(name, environments);
    folders.set(name, renderEnvironment(config, path.join(options.outdir, name)));
  }
  writeFoldersAtomically(options.outdir, folders);
  return folders;
}

/**
 * Command-line entry: synthesizes, prints a summary, and returns the exit code. A user mistake prints one
 * readable report and no stack trace (set `SYNTH_DEBUG=1` to see one).
 */
export function main(argv: readonly string[], outdir: string): number {
  try {
    const folders = synthesize({ outdir, names: argv });
    for (const [name, files] of folders) {
      const count = files.reduce((n, f) => n + f.objects.length, 0);
      process.stdout.write(`${path.join(outdir, name)}: ${files.map((f) => f.fileName).join(', ')} (${count} objects)\n`);
    }
    return 0;
  } catch (error) {
    const debug = process.env.SYNTH_DEBUG === '1';
    if (error instanceof ValidationError && !debug) {
      process.stderr.write(`synth failed, ${outdir}/ left unchanged:\n${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && !debug) {
      process.stderr.write(`synth failed, ${outdir}/ left unchanged:\n${error.message}\n(set SYNTH_DEBUG=1 for a stack trace)\n`);
      return 1;
    }
    throw error;
  }
}
