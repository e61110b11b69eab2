import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { ValidationError } from '../core/errors';
import { RegistryOwner } from '../core/registry-owner';
import { checkReleaseOrder } from '../delivery/release-order';
import { ManifestFile, renderCharts, writeFoldersAtomically } from '../render/manifest-writer';
import { Policy, PolicyReport, PolicyRuleId } from '../safety/policy';
import { DeployedManifests, checkColourSwitches } from '../web/colour-switch';

/** Builds one output folder's construct tree into `app` and returns its root. */
export type FolderBuilder = (app: App) => IConstruct;

/** One output folder of a synth (`dist/<name>/`), with how to build it. */
export interface SynthFolder {
  /** Builds the folder's construct tree into a fresh `App`; returns the root every construct path starts with. */
  readonly build: FolderBuilder;

  /**
   * Policy rules whose findings are warnings in this folder instead of failing synth.
   *
   * @default - every rule is an error
   */
  readonly policyWarnings?: readonly PolicyRuleId[];
}

/** One folder rendered and checked in memory. */
export interface RenderedFolder {
  /** The manifest files, one per chart. */
  readonly files: ManifestFile[];

  /** The policy pass over every object of the folder. */
  readonly policy: PolicyReport;
}

/** Options of {@link synthesizeFolders} and {@link runSynth}. */
export interface SynthOptions {
  /** The folders to write, by name: a builder, or a builder with policy options. */
  readonly folders: Readonly<Record<string, SynthFolder | FolderBuilder>>;

  /**
   * Folder that receives one sub-folder per entry of `folders`; it also holds the deployed state the
   * colour-switch guard compares with.
   *
   * @default 'dist'
   */
  readonly outdir?: string;

  /**
   * What a folder is called in messages (`unknown environment "qa"`).
   *
   * @default 'folder'
   */
  readonly folderKind?: string;

  /**
   * Names of the folders to synthesize.
   *
   * @default - every folder
   */
  readonly only?: readonly string[];

  /**
   * Folders derived from all the rendered ones (an Argo CD folder covering every environment), written in
   * the same atomic step; only computed when every folder is synthesized.
   *
   * @default - none
   */
  readonly derive?: (rendered: ReadonlyMap<string, RenderedFolder>) => ReadonlyMap<string, ManifestFile[]>;

  /**
   * Receives each folder's policy report once it passed.
   *
   * @default - reports are dropped
   */
  readonly onPolicyReport?: (folder: string, report: PolicyReport) => void;
}

function folderSpec(entry: SynthFolder | FolderBuilder): SynthFolder {
  return typeof entry === 'function' ? { build: entry } : entry;
}

/**
 * Builds, renders and checks one folder in memory: the constructs' validations, the release order of
 * every `ReleaseOrder` (once every sync wave is assigned), the policy pass over every object (errors
 * throw), and the colour-switch guard against what `deployedDir` holds.
 *
 * @throws ValidationError for a construct mistake, a policy error or a refused colour switch
 */
export function renderFolder(folder: SynthFolder | FolderBuilder, deployedDir?: string): RenderedFolder {
  const spec = folderSpec(folder);
  // One folder is one deployable unit: its charts share the registries the policy pass reads.
  const app = new App();
  RegistryOwner.declare(app);
  const root = spec.build(app);
  const files = renderCharts(root);
  checkReleaseOrder(root);
  const policy = Policy.of(root).check(files, { warnings: spec.policyWarnings ?? [] });
  policy.throwIfErrors(root.node.path === '' ? 'app' : root.node.path);
  if (deployedDir !== undefined) {
    checkColourSwitches(root, DeployedManifests.fromDirectory(deployedDir));
  }
  return { files, policy };
}

/**
 * The synth pipeline: renders every folder in memory (validations, policy pass, colour-switch guard
 * against `outdir`), then replaces `outdir/<folder>` for all of them at once. A mistake anywhere leaves
 * `outdir` byte for byte as it was.
 *
 * @returns the files written, by folder
 * @throws ValidationError for a mistake in a construct tree, naming where and what
 */
export function synthesizeFolders(options: SynthOptions): Map<string, ManifestFile[]> {
  const rendered = renderAll(options);
  const written = foldersToWrite(options, rendered);
  writeFoldersAtomically(options.outdir ?? 'dist', written);
  return written;
}

function renderAll(options: SynthOptions): Map<string, RenderedFolder> {
  const outdir = options.outdir ?? 'dist';
  const names = selectedNames(options);
  const rendered = new Map<string, RenderedFolder>();
  for (const name of names) {
    const folder = renderFolder(options.folders[name], path.join(outdir, name));
    options.onPolicyReport?.(name, folder.policy);
    rendered.set(name, folder);
  }
  return rendered;
}

function selectedNames(options: SynthOptions): string[] {
  const known = Object.keys(options.folders);
  if (options.only === undefined || options.only.length === 0) {
    return known;
  }
  for (const name of options.only) {
    if (!known.includes(name)) {
      const kind = options.folderKind ?? 'folder';
      throw new ValidationError(`${kind}s`, 'name', `unknown ${kind} ${JSON.stringify(name)}; expected one of ${known.map((k) => JSON.stringify(k)).join(', ')}`);
    }
  }
  return [...options.only];
}

function foldersToWrite(options: SynthOptions, rendered: ReadonlyMap<string, RenderedFolder>): Map<string, ManifestFile[]> {
  const written = new Map([...rendered].map(([name, folder]) => [name, folder.files]));
  const everything = options.only === undefined || options.only.length === 0;
  if (everything && options.derive !== undefined) {
    for (const [name, files] of options.derive(rendered)) {
      written.set(name, files);
    }
  }
  return written;
}

/** Options of {@link runSynth}: the pipeline's, plus the command line. */
export interface RunSynthOptions extends SynthOptions {
  /**
   * Command-line arguments: folder names to synthesize, and `--verbose` to print every policy warning and
   * waiver.
   *
   * @default process.argv.slice(2)
   */
  readonly argv?: readonly string[];
}

/** The `output` folder the `cdk8s.yaml` of the current directory names, if any. */
function cdk8sYamlOutput(): string | undefined {
  try {
    const config = YAML.parse(fs.readFileSync('cdk8s.yaml', 'utf8')) as { output?: unknown } | null;
    return typeof config?.output === 'string' ? config.output : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The synth pipeline as a command: synthesizes, prints one summary line per folder, and returns the exit
 * code. A consumer's whole `main.ts`:
 *
 * ```ts
 * import { runSynth } from '<this package>';
 * import { buildStorefront } from './storefront';
 * process.exitCode = runSynth({ folders: { storefront: buildStorefront } });
 * ```
 *
 * Success prints `dist/<folder>: N objects in M files, W warning(s), X waived` per folder; `--verbose` adds
 * every warning and waiver. A mistake exits 1 with `synth failed, dist/ left unchanged:` and one
 * `[path] field: problem` report, no stack trace (`SYNTH_DEBUG=1` rethrows).
 *
 * Run by `cdk8s synth` (which sets `CDK8S_OUTDIR` and empties that folder first), the same pipeline runs
 * against `outdir`; the files are also written into `CDK8S_OUTDIR` for the CLI to list or print. `outdir`
 * itself is replaced (atomically) only when `CDK8S_OUTDIR` is the `output` of `cdk8s.yaml`, i.e. not for
 * `cdk8s synth --stdout`. A `CDK8S_OUTDIR` equal to `outdir` is refused: the CLI has emptied it.
 */
export function runSynth(options: RunSynthOptions): number {
  const argv = options.argv ?? process.argv.slice(2);
  const verbose = argv.includes('--verbose');
  const only = argv.filter((a) => !a.startsWith('--'));
  const outdir = options.outdir ?? 'dist';
  const cliOutdir = process.env.CDK8S_OUTDIR;
  // Under the cdk8s CLI the child's stdout is captured, so the summary goes to stderr.
  const say = (text: string) => (cliOutdir === undefined ? process.stdout : process.stderr).write(text);
  try {
    if (cliOutdir !== undefined && path.resolve(cliOutdir) === path.resolve(outdir)) {
      throw new ValidationError('cdk8s synth', 'output', `cdk8s synth empties its output folder before the app runs; set output in cdk8s.yaml to a scratch folder, not ${outdir}`);
    }
    const reports = new Map<string, PolicyReport>();
    const pipeline: SynthOptions = { ...options, outdir, only, onPolicyReport: (name, report) => {
      reports.set(name, report);
      options.onPolicyReport?.(name, report);
    } };
    const rendered = renderAll(pipeline);
    const written = foldersToWrite(pipeline, rendered);
    const configured = cdk8sYamlOutput();
    const writeOutdir = cliOutdir === undefined || (configured !== undefined && path.resolve(configured) === path.resolve(cliOutdir));
    if (writeOutdir) {
      writeFoldersAtomically(outdir, written);
    }
    if (cliOutdir !== undefined) {
      writeFoldersAtomically(cliOutdir, written);
    }
    for (const [name, files] of written) {
      const report = reports.get(name);
      const objects = files.reduce((n, f) => n + f.objects.length, 0);
      const warnings = report?.warnings.length ?? 0;
      const waived = report?.waived.length ?? 0;
      const where = writeOutdir ? path.join(outdir, name) : path.join(cliOutdir!, name);
      const hint = !verbose && (warnings > 0 || (report?.unusedWaivers.length ?? 0) > 0) ? ' (--verbose for details)' : '';
      say(`${where}: ${objects} objects in ${files.length} files, ${warnings} warning(s), ${waived} waived${hint}\n`);
      if (verbose && report !== undefined && (report.findings.length > 0 || report.unusedWaivers.length > 0)) {
        say(`policy ${name}: ${report.format()}\n`);
      }
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
