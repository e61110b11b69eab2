import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ManifestFile } from '../lib/render/manifest-writer';
import { PolicyReport } from '../lib/safety/policy';
import { RenderedFolder, SynthFolder, SynthOptions, renderFolder, runSynth, synthesizeFolders } from '../lib/synth/synth-pipeline';
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
export type RenderedEnvironment = RenderedFolder;

/** One environment as a folder of the synth pipeline; its configuration is loaded (and checked) when it is built. */
function environmentFolder(name: string, environments: Readonly<Record<string, EnvironmentConfig>>, build: EnvironmentBuilder): SynthFolder {
  const config = environments[name];
  return {
    build: (app) => build(app, loadEnvironment(name, environments)),
    policyWarnings: config?.policy?.warnings ?? [],
  };
}

/**
 * Builds, renders and checks one environment in memory: construct validations, the release order of every
 * blue/green app, the policy pass over the whole tree (errors throw), and the colour-switch guard against
 * `deployedDir`.
 *
 * @throws ValidationError for a construct mistake or a policy error, naming the construct paths
 */
export function renderAndCheckEnvironment(config: EnvironmentConfig, deployedDir?: string, build: EnvironmentBuilder = defaultBuild): RenderedEnvironment {
  return renderFolder({ build: (app) => build(app, config), policyWarnings: config.policy.warnings }, deployedDir);
}

/** Renders one environment's manifest files in memory, checking policy and the switch against `deployedDir`. */
export function renderEnvironment(config: EnvironmentConfig, deployedDir?: string): ManifestFile[] {
  return renderAndCheckEnvironment(config, deployedDir).files;
}

/** The synth pipeline's options for the shipped environments (and, in a full synth, `dist/argocd/`). */
export function pipelineOptions(options: Omit<SynthesizeOptions, 'outdir' | 'names'> & { outdir?: string } = {}): SynthOptions {
  const environments = options.environments ?? ENVIRONMENTS;
  const build = options.build ?? defaultBuild;
  const names = Object.keys(environments).length > 0 ? Object.keys(environments) : ENVIRONMENT_NAMES;
  return {
    outdir: options.outdir,
    folderKind: 'environment',
    folders: Object.fromEntries(names.map((name) => [name, environmentFolder(name, environments, build)])),
    onPolicyReport: options.onPolicyReport,
    // The Argo CD folder covers every environment, so only a synth of all of them rewrites it.
    derive: (rendered) => new Map([[GITOPS_FOLDER, renderGitOps([...rendered].map(([name, folder]) => ({ config: loadEnvironment(name, environments), files: folder.files })))]]),
  };
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
  return synthesizeFolders({ ...pipelineOptions(options), only: options.names });
}

/**
 * Command-line entry: the shipped environments through the package's synth pipeline (`runSynth`): one
 * summary line per environment, `--verbose` for policy details, one readable report on a mistake.
 */
export function main(argv: readonly string[], outdir: string, options: Pick<SynthesizeOptions, 'environments' | 'build'> = {}): number {
  return runSynth({ ...pipelineOptions({ ...options, outdir }), argv });
}
