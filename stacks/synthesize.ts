import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { DeployedManifests, checkColourSwitches } from '../lib/web/colour-switch';
import { checkReleaseOrder } from '../lib/delivery/release-order';
import { ManifestFile, renderCharts, writeFoldersAtomically } from '../lib/render/manifest-writer';
import { Policy, PolicyReport } from '../lib/safety/policy';
import { ValidationError } from '../lib/core/errors';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentConfig, loadEnvironment } from './config';
import { buildEnvironment } from './platform';
import { GITOPS_FOLDER, renderGitOps } from './gitops-stack';

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

  /**
   * Builds one environment's construct tree into `app` and returns its root (tests add constructs).
   *
   * @default - the environment's charts (`buildEnvironment`)
   */
  readonly build?: EnvironmentBuilder;

  /**
   * Receives each environment's policy report (warnings and waivers to print).
   *
   * @default - reports are dropped
   */
  readonly onPolicyReport?: (environment: string, report: PolicyReport) => void;
}

/** Builds one environment's construct tree; returns the root every construct path starts with. */
export type EnvironmentBuilder = (app: App, config: EnvironmentConfig) => Construct;

const defaultBuild: EnvironmentBuilder = (app, config) => buildEnvironment(app, config).root;

/** One environment rendered in memory, with its policy report. */
export interface RenderedEnvironment {
  /** The manifest files. */
  readonly files: ManifestFile[];

  /** The policy pass over every object of the environment. */
  readonly policy: PolicyReport;
}

/**
 * Builds, renders and checks one environment in memory: construct validations, the release order of every
 * blue/green app, the policy pass over the whole tree (errors throw), and the colour-switch guard against
 * `deployedDir`.
 *
 * @throws ValidationError for a construct mistake or a policy error, naming the construct paths
 */
export function renderAndCheckEnvironment(config: EnvironmentConfig, deployedDir?: string, build: EnvironmentBuilder = defaultBuild): RenderedEnvironment {
  const app = new App();
  const root = build(app, config);
  const files = renderCharts(root);
  checkReleaseOrder(root);
  const policy = Policy.of(root).check(files, { warnings: config.policy.warnings });
  policy.throwIfErrors(root.node.path);
  if (deployedDir !== undefined) {
    checkColourSwitches(root, DeployedManifests.fromDirectory(deployedDir));
  }
  return { files, policy };
}

/** Renders one environment's manifest files in memory, checking policy and the switch against `deployedDir`. */
export function renderEnvironment(config: EnvironmentConfig, deployedDir?: string): ManifestFile[] {
  return renderAndCheckEnvironment(config, deployedDir).files;
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
    const rendered = renderAndCheckEnvironment(config, path.join(options.outdir, name), options.build);
    options.onPolicyReport?.(name, rendered.policy);
    folders.set(name, rendered.files);
  }
  if (options.names === undefined || options.names.length === 0) {
    // The Argo CD folder covers every environment, so only a synth of all of them rewrites it.
    folders.set(GITOPS_FOLDER, renderGitOps(names.map((name) => ({ config: loadEnvironment(name, environments), files: folders.get(name)! }))));
  }
  writeFoldersAtomically(options.outdir, folders);
  return folders;
}

/**
 * Command-line entry: synthesizes, prints a summary, and returns the exit code. A user mistake prints one
 * readable report and no stack trace (set `SYNTH_DEBUG=1` to see one).
 */
export function main(argv: readonly string[], outdir: string, options: Pick<SynthesizeOptions, 'environments' | 'build'> = {}): number {
  try {
    const reports: string[] = [];
    const folders = synthesize({
      ...options,
      outdir,
      names: argv,
      onPolicyReport: (name, report) => {
        if (report.findings.length > 0 || report.unusedWaivers.length > 0) {
          reports.push(`policy ${name}: ${report.format()}\n`);
        }
      },
    });
    // Printed only once every environment passed, so a failure shows one report, not a trail of warnings.
    for (const report of reports) {
      process.stderr.write(report);
    }
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
