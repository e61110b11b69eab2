/**
 * Writes the preflight of an environment beside its manifests:
 *
 *   npm run preflight -- <env>   ->  dist/<env>/preflight.sh and dist/<env>/preflight.json
 *
 * Both are generated from the construct tree (README "Preflight"), git-ignored, never applied (the Argo CD
 * Application includes only *.k8s.yaml), and removed by the next synth of that environment.
 * Exit code: 0 written, 1 a mistake in the configuration, 2 wrong arguments.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { renderCharts } from '../lib/render/manifest-writer';
import { buildPreflight, renderPreflightScript } from '../lib/delivery/preflight';
import { ValidationError } from '../lib/core/validation-error';
import { loadEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

const root = path.resolve(__dirname, '..', '..');

function writeFile(file: string, content: string, mode: number): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}

function main(argv: string[]): number {
  if (argv.length !== 1) {
    process.stderr.write('usage: npm run preflight -- <env>\n');
    return 2;
  }
  try {
    const config = loadEnvironment(argv[0]);
    const stacks = buildEnvironment(new App(), config);
    const files = renderCharts(stacks.root);
    const contract = buildPreflight({ environment: config.name, context: config.gitops.cluster, files, secrets: stacks.secrets.list(), requirements: stacks.requirements.list() });
    const dir = path.join(root, 'dist', config.name);
    fs.mkdirSync(dir, { recursive: true });
    writeFile(path.join(dir, 'preflight.json'), `${JSON.stringify(contract, null, 2)}\n`, 0o644);
    writeFile(path.join(dir, 'preflight.sh'), renderPreflightScript(contract), 0o755);
    process.stdout.write(`dist/${config.name}/preflight.sh, dist/${config.name}/preflight.json: ${contract.checks.length} checks against context ${contract.context}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
